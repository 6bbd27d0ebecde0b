namespace Crynux.Devnet.Relay;

public enum TaskType
{
    StableDiffusion = 0,
    Llm = 1,
    StableDiffusionFinetuneLora = 2,
}
