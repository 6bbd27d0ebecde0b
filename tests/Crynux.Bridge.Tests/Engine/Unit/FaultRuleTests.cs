using System.Net;
using System.Security.Cryptography;
using System.Text;
using Crynux.Bridge.Engine.Workflow;
using Crynux.Bridge.Relay;
using Crynux.Crypto;
using Crynux.Devnet.Media;

namespace Crynux.Bridge.Tests.Engine.Unit;

/// <summary>Which Relay answers count as answers, and which downloaded results count as results.</summary>
public sealed class FaultRuleTests
{
    private static async Task<RelayErrorKind> KindOf(HttpStatusCode status, string body, string mediaType = "application/json")
    {
        using var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };
        return (await RelayClient.ErrorAsync(response, TestContext.Current.CancellationToken)).Kind;
    }

    [Fact]
    public async Task Only_the_relays_own_envelopes_are_answers_everything_else_leaves_the_outcome_unknown()
    {
        Assert.Equal(RelayErrorKind.Rejected, await KindOf(HttpStatusCode.BadRequest,
            """{"message":"validation_error","data":{"field_name":"task_id_commitment","message":"Task already uploaded"}}"""));
        Assert.Equal(RelayErrorKind.NotFound, await KindOf(HttpStatusCode.BadRequest,
            """{"message":"validation_error","data":{"field_name":"task_id_commitment","message":"Task not found"}}"""));
        Assert.Equal(RelayErrorKind.ServerError, await KindOf(HttpStatusCode.InternalServerError, """{"message":"illegal task state"}"""));

        Assert.Equal(RelayErrorKind.Transient, await KindOf(HttpStatusCode.BadRequest, "<!DOCTYPE html><html><body>400 Bad Request</body></html>", "text/html"));
        Assert.Equal(RelayErrorKind.Transient, await KindOf(HttpStatusCode.BadRequest, """{"message":"validation_error"}"""));
        Assert.Equal(RelayErrorKind.Transient, await KindOf(HttpStatusCode.BadRequest, """{"message":"validation_error","data":{"field_name":"task_id_comm"""));
        Assert.Equal(RelayErrorKind.Transient, await KindOf(HttpStatusCode.InternalServerError, ""));
        Assert.Equal(RelayErrorKind.Transient, await KindOf(HttpStatusCode.BadGateway, "<html>502 Bad Gateway</html>", "text/html"));
        Assert.Equal(RelayErrorKind.Transient, await KindOf(HttpStatusCode.ServiceUnavailable, """{"message":"down"}"""));
        Assert.Equal(RelayErrorKind.Transient, await KindOf(HttpStatusCode.TooManyRequests, ""));
    }

    [Fact]
    public void An_llm_result_counts_only_when_its_sha256_is_the_relays_score()
    {
        var result = """{"choices":[{"message":{"content":"hi"}}]}"""u8.ToArray();
        var score = Hex.Encode(SHA256.HashData(result));
        Assert.Null(ResultCheck.Llm(result, score));
        Assert.Null(ResultCheck.Llm(result, score.ToUpperInvariant().Replace("0X", "0x", StringComparison.Ordinal)));
        Assert.NotNull(ResultCheck.Llm(result.AsSpan(0, result.Length - 3), score));
        Assert.NotNull(ResultCheck.Llm(result, ""));
    }

    [Fact]
    public void An_image_counts_only_as_a_complete_png_of_the_requested_size()
    {
        var image = new RgbImage(64, 32);
        for (var i = 0; i < image.Pixels.Length; i++)
        {
            image.Pixels[i] = (byte)(i * 7);
        }
        var png = PngImage.Encode(image);
        Assert.Null(ResultCheck.Png(png, 64, 32));
        Assert.Null(ResultCheck.Png(png, 0, 0));
        Assert.Contains("not the 32x64", ResultCheck.Png(png, 32, 64), StringComparison.Ordinal);
        Assert.NotNull(ResultCheck.Png(png.AsSpan(0, png.Length / 2), 64, 32));
        Assert.NotNull(ResultCheck.Png(png.AsSpan(0, png.Length - 12), 64, 32)); // no IEND
        Assert.NotNull(ResultCheck.Png("not a png at all"u8, 64, 32));
        var flipped = (byte[])png.Clone();
        flipped[60] ^= 0xFF; // inside IDAT: the CRC no longer matches
        Assert.NotNull(ResultCheck.Png(flipped, 64, 32));
    }

    [Fact]
    public void The_requested_size_is_read_from_the_sd_task_arguments()
    {
        Assert.Equal((256, 128), ResultCheck.RequestedSize("""{"prompt":"x","task_config":{"image_width":256,"image_height":128}}"""));
        Assert.Equal((0, 0), ResultCheck.RequestedSize("""{"prompt":"x"}"""));
        Assert.Equal((0, 0), ResultCheck.RequestedSize("not json"));
    }
}
