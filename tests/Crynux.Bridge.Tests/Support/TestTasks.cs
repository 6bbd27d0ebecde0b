using Crynux.Crypto;

namespace Crynux.Bridge.Tests.Support;

/// <summary>Raw task bodies the workflow tests send, and the helpers that steer the devnet's validation sampling.</summary>
public static class TestTasks
{
    public static object SdTask(int n = 2) => new
    {
        task_type = 0,
        task_args = $$$"""{"base_model":{"name":"crynux-network/sdxl-turbo","variant":"fp16"},"prompt":"a red fox","task_config":{"image_width":256,"image_height":256,"steps":1,"seed":7,"num_images":{{{n}}},"safety_checker":false,"cfg":0}}""",
    };

    public static object LlmTask(string text = "hello") => new
    {
        task_type = 1,
        task_args = $$$"""{"model":"Qwen/Qwen2.5-7B","messages":[{"role":"user","content":"{{{text}}} <&> 你好"}],"generation_config":{"max_new_tokens":20,"num_return_sequences":1},"seed":3,"dtype":"bfloat16"}""",
    };

    /// <summary>A sampling seed whose VRF under the wallet's key draws the task for validation (a group of three).</summary>
    public static byte[] SelectedSeed(EthKey wallet)
    {
        ArgumentNullException.ThrowIfNull(wallet);
        for (var i = 0; ; i++)
        {
            var seed = Keccak256.Hash(BitConverter.GetBytes(i));
            if (Ecvrf.IsSelectedForValidation(Ecvrf.Prove(wallet, seed).Beta))
            {
                return seed;
            }
        }
    }

    /// <summary>Polls a condition the test cannot await (a state written by the engine), for at most 30 s.</summary>
    internal static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in 30 s");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
