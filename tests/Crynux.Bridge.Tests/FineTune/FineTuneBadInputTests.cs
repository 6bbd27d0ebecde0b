using Crynux.Bridge.Tests.Support;

namespace Crynux.Bridge.Tests.FineTune;

/// <summary>Bad fine-tune requests: a 4xx naming the field, and no Relay task, no fee, no use spent, no upload kept.</summary>
public sealed class FineTuneBadInputTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, int, string> JsonCases => new()
    {
        { "model_name missing", """{"dataset_name":"d"}""", 400, "model_name" },
        { "model_name empty", """{"model_name":"","dataset_name":"d"}""", 400, "model_name" },
        { "model_name a number", """{"model_name":5,"dataset_name":"d"}""", 400, "model_name" },
        { "no dataset", """{"model_name":"m"}""", 400, "dataset_name" },
        { "dataset_url not http", """{"model_name":"m","dataset_url":"file:///etc/passwd"}""", 400, "dataset_url" },
        { "negative rank", """{"model_name":"m","dataset_name":"d","rank":-1}""", 400, "rank" },
        { "huge max_train_steps", """{"model_name":"m","dataset_name":"d","max_train_steps":1e30}""", 400, "max_train_steps" },
        { "fractional batch_size", """{"model_name":"m","dataset_name":"d","batch_size":1.5}""", 400, "batch_size" },
        { "negative learning_rate", """{"model_name":"m","dataset_name":"d","learning_rate":-0.1}""", 400, "learning_rate" },
        { "learning_rate a string", """{"model_name":"m","dataset_name":"d","learning_rate":"fast"}""", 400, "learning_rate" },
        { "negative timeout", """{"model_name":"m","dataset_name":"d","timeout":-5}""", 400, "timeout" },
        { "huge timeout", """{"model_name":"m","dataset_name":"d","timeout":99999999}""", 400, "timeout" },
        { "center_crop a string", """{"model_name":"m","dataset_name":"d","center_crop":"yes"}""", 400, "center_crop" },
        { "mixed_precision unknown", """{"model_name":"m","dataset_name":"d","mixed_precision":"fp8"}""", 400, "mixed_precision" },
        { "init_lora_weights unknown", """{"model_name":"m","dataset_name":"d","init_lora_weights":"uniform"}""", 400, "init_lora_weights" },
        { "target_modules of numbers", """{"model_name":"m","dataset_name":"d","target_modules":[1,2]}""", 400, "target_modules" },
        { "negative seed", """{"model_name":"m","dataset_name":"d","seed":-3}""", 400, "seed" },
    };

    [Theory]
    [MemberData(nameof(JsonCases))]
    public async Task Bad_json_is_refused_naming_the_field_and_spends_nothing(string what, string body, int status, string field)
    {
        await using var bridge = await TestBridge.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(bridge.BaseUrl, "v1/images/models"))
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bridge.ApiKey);
        using var response = await bridge.Http.SendAsync(request, Ct);
        await AssertRefusedAsync(bridge, response, status, field, what);
    }

    public static TheoryData<string, int, string> MultipartCases => new()
    {
        { "not a zip", 400, "checkpoint" },
        { "two checkpoints", 400, "checkpoint" },
        { "over the cap", 413, "checkpoint" },
        { "rank not a number", 400, "rank" },
        { "random_flip not a boolean", 400, "random_flip" },
        { "learning_rate not a number", 400, "learning_rate" },
        { "target_modules bad array", 400, "target_modules" },
        { "model_name missing", 400, "model_name" },
    };

    [Theory]
    [MemberData(nameof(MultipartCases))]
    public async Task Bad_multipart_is_refused_naming_the_field_and_keeps_no_upload(string what, int status, string field)
    {
        await using var bridge = await TestBridge.StartAsync(configure: o => o.Task.SdFinetuneMaxCheckpointBytes = 64 * 1024);
        var fields = new Dictionary<string, string> { ["model_name"] = "crynux-network/stable-diffusion-v1-5", ["dataset_name"] = "d" };
        var zip = FineTuneClient.Zip(("weights", "w"));
        byte[][] checkpoints = [zip];
        switch (what)
        {
            case "not a zip": checkpoints = ["PK but not really a zip archive"u8.ToArray()]; break;
            case "two checkpoints": checkpoints = [zip, zip]; break;
            case "over the cap": checkpoints = [new byte[(64 * 1024) + 1]]; break;
            case "rank not a number": fields["rank"] = "eight"; break;
            case "random_flip not a boolean": fields["random_flip"] = "maybe"; break;
            case "learning_rate not a number": fields["learning_rate"] = "NaN"; break;
            case "target_modules bad array": fields["target_modules"] = "[\"to_q\","; break;
            default: fields.Remove("model_name"); break;
        }
        using var response = await FineTuneClient.PostMultipartAsync(bridge, fields, checkpoints);
        await AssertRefusedAsync(bridge, response, status, field, what);
    }

    private static async Task AssertRefusedAsync(TestBridge bridge, HttpResponseMessage response, int status, string field, string what)
    {
        var json = await TestBridge.JsonAsync(response);
        Assert.True((int)response.StatusCode == status, $"{what}: {(int)response.StatusCode} {json}");
        Assert.True(field == json.GetProperty("data").GetProperty("field_name").GetString(), $"{what}: {json}");
        Assert.Empty(bridge.Devnet.Control.GetTasks());
        Assert.Equal(0, bridge.CountLedger("TaskPayment"));
        Assert.Empty(await bridge.Service<global::Crynux.Bridge.Data.TaskStore>().ListClientTasksAsync(null, 10, Ct));
        var results = bridge.Options.DataDir.InferenceTasks;
        Assert.True(!Directory.Exists(results) || Directory.GetFiles(results, "*", SearchOption.AllDirectories).Length == 0, what + ": an upload was kept");
    }
}
