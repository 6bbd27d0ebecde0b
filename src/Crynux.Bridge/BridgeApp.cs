using Crynux.Bridge.Configuration;
using Crynux.Crypto;
using Serilog;
using Serilog.Events;

namespace Crynux.Bridge;

/// <summary>
/// Builds the bridge's web application: host settings (Kestrel, logging), then <see cref="BridgeComposition.AddBridge"/> and
/// <see cref="BridgeComposition.MapBridgeApi"/>. Nothing is migrated or connected here: the database migrates as the first
/// start-up step, Redis connects on first use.
/// </summary>
public static class BridgeApp
{
    /// <param name="options">Validated options.</param>
    /// <param name="wallet">The application wallet.</param>
    /// <param name="time">The clock (tests inject one).</param>
    /// <param name="relayHandler">An HTTP handler for Relay calls (tests and benchmarks may wrap it).</param>
    public static Task<WebApplication> BuildAsync(BridgeOptions options, EthKey wallet, TimeProvider? time = null, HttpMessageHandler? relayHandler = null,
        string[]? args = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(wallet);
        time ??= TimeProvider.System;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args ?? [],
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        builder.Configuration.Sources.Clear();
        ConfigureLogging(builder, options);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = options.Http.MaxBodyBytes;
            kestrel.Limits.MaxConcurrentConnections = null;
            kestrel.Limits.MaxConcurrentUpgradedConnections = null;
            if (options.Http.Host is "0.0.0.0" or "" or "*")
            {
                kestrel.ListenAnyIP(options.Http.Port);
            }
            else if (options.Http.Host == "localhost")
            {
                kestrel.ListenLocalhost(options.Http.Port);
            }
            else
            {
                kestrel.Listen(System.Net.IPAddress.Parse(options.Http.Host), options.Http.Port);
            }
        });

        builder.AddBridge(options, wallet, time, relayHandler);
        var app = builder.Build();
        app.MapBridgeApi();
        return Task.FromResult(app);
    }

    private static void ConfigureLogging(WebApplicationBuilder builder, BridgeOptions options)
    {
        var level = options.Log.Level.ToLowerInvariant() switch
        {
            "debug" => LogEventLevel.Debug,
            "warn" or "warning" => LogEventLevel.Warning,
            "error" => LogEventLevel.Error,
            _ => LogEventLevel.Information,
        };
        var config = new LoggerConfiguration().MinimumLevel.Is(level)
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http", LogEventLevel.Warning)
            .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        if (options.Log.Output.Length > 0)
        {
            config = config.WriteTo.File(options.Log.Output, formatProvider: System.Globalization.CultureInfo.InvariantCulture,
                fileSizeLimitBytes: options.Log.MaxFileSize * 1024L * 1024L, rollOnFileSizeLimit: true, rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: Math.Max(1, options.Log.MaxFileNum));
        }
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog(config.CreateLogger(), dispose: true);
    }
}
