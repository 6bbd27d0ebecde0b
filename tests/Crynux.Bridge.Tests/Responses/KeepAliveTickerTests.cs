using System.Text;
using Crynux.Bridge.Api;
using Microsoft.Extensions.Time.Testing;

namespace Crynux.Bridge.Tests.Responses;

public sealed class KeepAliveTickerTests
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(15);

    private static string Text(MemoryStream stream) => Encoding.UTF8.GetString(stream.ToArray());

    [Fact]
    public async Task One_tick_writes_one_comment_to_every_waiting_stream_and_none_after_it_left()
    {
        var time = new FakeTimeProvider();
        var ticker = new KeepAliveTicker(time, Period);
        var streams = Enumerable.Range(0, 1000).Select(_ => new MemoryStream()).ToList();
        var subscriptions = streams.Select(s => ticker.Subscribe(s, CancellationToken.None)).ToList();
        Assert.Equal(1000, ticker.Count);

        time.Advance(Period - TimeSpan.FromMilliseconds(1));
        Assert.All(streams, s => Assert.Equal("", Text(s)));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.All(streams, s => Assert.Equal(": keep-alive\n\n", Text(s)));

        await subscriptions[0].DisposeAsync();
        time.Advance(Period);
        Assert.Equal(": keep-alive\n\n", Text(streams[0]));
        Assert.All(streams.Skip(1), s => Assert.Equal(": keep-alive\n\n: keep-alive\n\n", Text(s)));
        foreach (var subscription in subscriptions.Skip(1))
        {
            await subscription.DisposeAsync();
        }
        Assert.Equal(0, ticker.Count);
    }

    [Fact]
    public async Task The_timer_stops_when_no_stream_waits_and_starts_again_for_the_next()
    {
        var time = new FakeTimeProvider();
        var ticker = new KeepAliveTicker(time, Period);
        var first = new MemoryStream();
        await ticker.Subscribe(first, CancellationToken.None).DisposeAsync();
        time.Advance(Period * 3);
        Assert.Equal("", Text(first));

        var second = new MemoryStream();
        await using var subscription = ticker.Subscribe(second, CancellationToken.None);
        time.Advance(Period);
        Assert.Equal(": keep-alive\n\n", Text(second));
    }

    [Fact]
    public async Task A_stream_whose_client_left_gets_no_comment()
    {
        var time = new FakeTimeProvider();
        var ticker = new KeepAliveTicker(time, Period);
        using var gone = new CancellationTokenSource();
        var stream = new MemoryStream();
        await using var subscription = ticker.Subscribe(stream, gone.Token);
        await gone.CancelAsync();
        time.Advance(Period);
        Assert.Equal("", Text(stream));
    }
}
