using System.Globalization;
using Crynux.Devnet;

// Standalone devnet: parse flags (see README.md), start, print the URL, run until Ctrl+C.
if (args.Any(a => a is "--help" or "-h"))
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}

DevnetOptions options;
try
{
    options = CommandLine.Parse(args);
    options.Validate();
}
catch (Exception e) when (e is FormatException or ArgumentException)
{
    await Console.Error.WriteLineAsync(e.Message);
    await Console.Error.WriteLineAsync("Run with --help for the flags.");
    return 2;
}

await using var host = await DevnetHost.StartAsync(options);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Crynux devnet relay listening on {host.BaseUrl} with {options.Nodes.Count} nodes"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  protocol {options.Protocol}"));
foreach (var node in host.Control.GetNodes())
{
    Console.WriteLine($"  node {node.Address} {node.GpuName} {node.GpuVram} GB v{node.Version}");
}
// Ctrl+C and SIGTERM stop the host (ASP.NET Core's console lifetime); then the devnet shuts down cleanly.
await host.WaitForShutdownAsync();
return 0;
