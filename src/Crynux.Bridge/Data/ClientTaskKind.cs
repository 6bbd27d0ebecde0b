namespace Crynux.Bridge.Data;

public static class ClientTaskKind
{
    public const string Chat = "chat";
    public const string Completion = "completion";
    public const string Image = "image";
    public const string Raw = "raw";
    /// <summary>A LoRA fine-tune job (POST /v1/images/models): its Relay tasks are rounds, each continuing the last checkpoint.</summary>
    public const string FineTune = "finetune";
}
