namespace Crynux.Bridge.Data;

public enum TaskType
{
    StableDiffusion = 0,
    Llm = 1,
    StableDiffusionFinetune = 2,
}
