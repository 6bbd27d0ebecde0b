using System.ComponentModel;
using System.Text.Json.Serialization;

// The request and response shapes for /openapi.json. The handlers parse bodies by hand (to name the offending field in
// every error), so these records exist to describe the wire format; they are not used to bind requests.
#pragma warning disable CA1812 // instantiated only by the OpenAPI generator's reflection
namespace Crynux.Bridge.Api.Schemas;

[Description("A raw Crynux task. task_fee is in GWei per unit of task size.")]
public sealed record RawTaskRequest(
    [property: JsonPropertyName("task_type"), Description("0 image, 1 LLM, 2 image fine-tune (LoRA)")] int TaskType,
    [property: JsonPropertyName("task_args"), Description("the task arguments: a JSON string (or object) valid for the gpt-task / stable-diffusion-task schema")] object TaskArgs,
    [property: JsonPropertyName("client_id"), Description("defaults to the API key's client; another client needs the admin role")] string? ClientId = null,
    [property: JsonPropertyName("task_version")] string? TaskVersion = null,
    [property: JsonPropertyName("min_vram")] int? MinVram = null,
    [property: JsonPropertyName("required_gpu")] string? RequiredGpu = null,
    [property: JsonPropertyName("required_gpu_vram")] int? RequiredGpuVram = null,
    [property: JsonPropertyName("repeat_num"), Description("1 to 10 independent copies")] int? RepeatNum = null,
    [property: JsonPropertyName("task_fee"), Description("a number: GWei per unit of task size; a decimal string (e.g. \"40602000000000\"): the final fee in wei of one network task; absent: the bridge's default. Bounded by task.max_fee_cnx")] long? TaskFee = null,
    [property: JsonPropertyName("timeout"), Description("seconds; fine-tune tasks only")] long? Timeout = null);
