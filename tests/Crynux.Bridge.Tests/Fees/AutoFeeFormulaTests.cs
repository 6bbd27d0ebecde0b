using System.Numerics;
using System.Text.Json;
using Crynux.Bridge.Data;
using Crynux.Bridge.Engine;
using Crynux.Bridge.Pricing;

// Not "…Tests.Fees": that namespace would hide Crynux.Bridge.Api.Fees from every test under Crynux.Bridge.Tests.
namespace Crynux.Bridge.Tests.TaskFees;

/// <summary>The auto fee as a pure function: the workload read from task_args, the queue target, and the formula.</summary>
public sealed class AutoFeeFormulaTests
{
    /// <summary>The Relay documentation's example coefficients.</summary>
    private static readonly ExecutionTimeCoefficients LlmExample = new(ConstantSeconds: 30, SecondsPerInputToken: 0.0004, SecondsPerOutputToken: 0.1);
    private static readonly ExecutionTimeCoefficients SdExample = new(OverheadSeconds: 30, SecondsPerSdPixelStep: 0.00003814697265625);

    private static readonly QueuedPriority Snapshot = new(DateTimeOffset.UnixEpoch, 0, 4, 57, 33, 25);

    private static TaskSpec Llm(string prompt, int maxNewTokens, long minVram = 24) => new(TaskType.Llm,
        JsonSerializer.Serialize(new { model = "Qwen/Qwen2.5-7B", messages = new[] { new { role = "user", content = prompt } }, generation_config = new { max_new_tokens = maxNewTokens }, dtype = "bfloat16" }),
        ["base:Qwen/Qwen2.5-7B"], minVram, "", 0, 1, "3.1.0", 0);

    private static TaskSpec Sd(int side, int steps, int images, long minVram) => new(TaskType.StableDiffusion,
        JsonSerializer.Serialize(new
        {
            version = "2.5.0",
            base_model = new { name = "crynux-network/sdxl-turbo", variant = "fp16" },
            prompt = "a fox",
            task_config = new { image_width = side, image_height = side, steps, num_images = images },
        }),
        ["base:crynux-network/sdxl-turbo+fp16"], minVram, "", 0, images, "3.1.0", 0);

    [Fact]
    public void The_worked_LLM_example_costs_40602_gwei()
    {
        // 1000 bytes of prompt = 250 tokens, 3000 new tokens, min_vram 24 (weight 3), position 50 between 25 and 57 = 41.
        var workload = TaskWorkload.From(Llm(new string('a', 1000), 3000))!;
        Assert.Equal(250, workload.InputTokens);
        Assert.Equal(3000, workload.OutputTokens);
        Assert.Equal(330.1, workload.Seconds(LlmExample), 6);
        var priority = PriorityTarget.Parse("p50")!.Resolve(Snapshot, 1);
        Assert.Equal(41, priority);
        Assert.Equal(BigInteger.Parse("40602000000000"), AutoFee.Wei(workload, LlmExample, priority, 8, BigInteger.Pow(10, 19)));
    }

    [Fact]
    public void The_worked_SD_example_costs_2870_gwei()
    {
        var workload = TaskWorkload.From(Sd(512, 1, 1, 14))!;
        Assert.Equal(40, workload.Seconds(SdExample), 9);
        Assert.Equal("crynux-network/sdxl-turbo", workload.Query.Model);
        Assert.Equal("fp16", workload.Query.Variant);
        Assert.Equal(BigInteger.Parse("2870000000000"), AutoFee.Wei(workload, SdExample, 41, 8, BigInteger.Pow(10, 19)));
    }

    [Fact]
    public void A_larger_token_budget_or_image_costs_more_and_the_ceiling_clamps()
    {
        var small = AutoFee.Wei(TaskWorkload.From(Llm("hi", 128))!, LlmExample, 41, 8, BigInteger.Pow(10, 19));
        var large = AutoFee.Wei(TaskWorkload.From(Llm("hi", 3000))!, LlmExample, 41, 8, BigInteger.Pow(10, 19));
        Assert.True(large > small * 5, $"{large} vs {small}");
        var sd512 = AutoFee.Wei(TaskWorkload.From(Sd(512, 4, 1, 14))!, SdExample, 41, 8, BigInteger.Pow(10, 19));
        var sd1024 = AutoFee.Wei(TaskWorkload.From(Sd(1024, 4, 1, 14))!, SdExample, 41, 8, BigInteger.Pow(10, 19));
        Assert.True(sd1024 > sd512);
        Assert.Equal(BigInteger.Parse("1000"), AutoFee.Wei(TaskWorkload.From(Llm("hi", 3000))!, LlmExample, 41, 8, 1000));
    }

    [Fact]
    public void Vram_below_the_base_weighs_one_and_a_named_gpu_is_its_vram()
    {
        Assert.Equal(1, AutoFee.VramWeight(4, 8));
        Assert.Equal(3, AutoFee.VramWeight(24, 8));
        var spec = Llm("hi", 10) with { RequiredGpu = "NVIDIA GeForce RTX 4090+Linux", RequiredGpuVram = 48 };
        var workload = TaskWorkload.From(spec)!;
        Assert.Equal(48, workload.VramDemand);
        Assert.Contains("gpu_name=NVIDIA%20GeForce%20RTX%204090%2BLinux", workload.Query.PathAndQuery(), StringComparison.Ordinal);
        Assert.Contains("gpu_vram=48", workload.Query.PathAndQuery(), StringComparison.Ordinal);
        Assert.DoesNotContain("min_vram", workload.Query.PathAndQuery(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("median", 33)]
    [InlineData("max", 57)]
    [InlineData("p90", 53)]
    [InlineData("75", 49)]
    [InlineData("0", 25)]
    public void Priority_targets_pick_their_place_in_the_queue(string target, int gwei) =>
        Assert.Equal(gwei, PriorityTarget.Parse(target)!.Resolve(Snapshot, 1));

    [Fact]
    public void An_empty_queue_or_a_low_target_gets_the_floor()
    {
        var empty = new QueuedPriority(DateTimeOffset.UnixEpoch, 0, 0, null, null, null);
        Assert.Equal(7, PriorityTarget.Median.Resolve(empty, 7));
        Assert.Equal(30, PriorityTarget.Parse("0")!.Resolve(Snapshot, 30));
    }

    [Theory]
    [InlineData("")]
    [InlineData("p101")]
    [InlineData("-5")]
    [InlineData("high")]
    [InlineData("p")]
    public void Bad_targets_are_refused(string target) => Assert.Null(PriorityTarget.Parse(target));

    [Theory]
    [InlineData("""{"constant_seconds":-1,"seconds_per_input_token":0,"seconds_per_output_token":0}""")]
    [InlineData("""{"constant_seconds":"1","seconds_per_input_token":0,"seconds_per_output_token":0}""")]
    [InlineData("""{"seconds_per_input_token":0,"seconds_per_output_token":0}""")]
    [InlineData("""[]""")]
    public void Coefficients_that_are_not_finite_numbers_at_least_zero_are_refused(string data) =>
        Assert.Throws<FormatException>(() => ExecutionTimeCoefficients.Read(TaskType.Llm, JsonDocument.Parse(data).RootElement));

    [Theory]
    [InlineData("""{"as_of":1,"queued_task_count":2,"highest_priority_gwei":57,"median_priority_gwei":"33","lowest_priority_gwei":"25"}""")]
    [InlineData("""{"as_of":1,"queued_task_count":2,"highest_priority_gwei":"-5","median_priority_gwei":"33","lowest_priority_gwei":"25"}""")]
    [InlineData("""{"as_of":1,"highest_priority_gwei":null}""")]
    public void Snapshots_that_are_not_the_relays_shape_are_refused(string data) =>
        Assert.Throws<FormatException>(() => QueuedPriority.Read(JsonDocument.Parse(data).RootElement, DateTimeOffset.UnixEpoch));

    [Fact]
    public void Fine_tune_tasks_and_unreadable_args_have_no_workload()
    {
        Assert.Null(TaskWorkload.From(new TaskSpec(TaskType.StableDiffusionFinetune, "{}", [], 24, "", 0, 1, "3.1.0", 0)));
        Assert.Null(TaskWorkload.From(Llm("hi", 1) with { TaskArgs = "{\"messages\":[]}" }));
        Assert.Null(TaskWorkload.From(Llm("hi", 1) with { TaskArgs = "not json" }));
    }
}
