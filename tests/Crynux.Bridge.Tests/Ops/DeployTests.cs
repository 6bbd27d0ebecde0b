using System.Reflection;
using Crynux.Bridge.Configuration;
using Crynux.Bridge.Data;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace Crynux.Bridge.Tests.Ops;

/// <summary>deploy/: the example configuration loads with the bridge's own loader; the Dockerfile and compose file name only files that exist.</summary>
public sealed class DeployTests
{
    private static readonly string ConfigPath = Repository.PathOf("deploy/config/config.yml");

    private static BridgeOptions LoadExample()
    {
        var builder = new ConfigurationBuilder();
        builder.AddInMemoryCollection(ConfigLoader.ReadYaml(ConfigPath));
        return ConfigLoader.Bind(builder.Build());
    }

    [Fact]
    public void The_example_config_loads_with_the_bridges_loader()
    {
        var o = LoadExample();
        Assert.Equal("release", o.Environment);
        Assert.Equal("mysql", o.Db.Driver);
        Assert.Equal("crynux_bridge:crynuxbridgepass@(mysql:3306)/crynux_bridge?parseTime=true", o.Db.Connection);
        var db = Database.FromOptions(o.Db, "/app/data");
        Assert.Equal(DbDriver.MySql, db.Driver);
        Assert.Contains("Server=mysql", db.ConnectionString, StringComparison.Ordinal);
        Assert.Contains("Database=crynux_bridge", db.ConnectionString, StringComparison.Ordinal);
        Assert.Equal("/app/data/logs/crynux_bridge_db.log", o.Db.Log.Output);
        Assert.Equal("info", o.Log.Level);
        Assert.Equal("/app/data/logs/crynux_bridge.log", o.Log.Output);
        Assert.Equal(100, o.Log.MaxFileSize);
        Assert.Equal(30, o.Log.MaxDays);
        Assert.Equal(5, o.Log.MaxFileNum);
        Assert.Equal("0.0.0.0", o.Http.Host);
        Assert.Equal(5028, o.Http.Port);
        Assert.Equal(10485760, o.Http.MaxBodyBytes);
        Assert.Equal("/app/data/inference_tasks", o.DataDir.InferenceTasks);
        Assert.Equal(30, o.DataDir.InferenceTasksRetentionDays);
        Assert.Equal("", o.Blockchain.Account.Address);
        Assert.Equal("/run/secrets/ig_privkey", o.Blockchain.Account.PrivateKeyFile);
        Assert.Equal("", o.Blockchain.Account.PrivateKey);
        Assert.Equal("https://relay.crynux.io", o.Relay.BaseUrl);
        Assert.Equal(30, o.Relay.TimeoutSeconds);
        Assert.Equal(200, o.Relay.EventsPollIntervalMs);
        Assert.Equal(20, o.Relay.EventsFastPollIntervalMs);
        Assert.Equal(60, o.Relay.ReconcileIntervalSeconds);
        Assert.Equal(3, o.Relay.MaxAttempts);
        Assert.Equal("3.1.0", o.Task.DefaultTaskVersion);
        Assert.Equal(1.0m, o.Task.DefaultSdTaskFeeCnx);
        Assert.Equal(2.0m, o.Task.DefaultSdXlTaskFeeCnx);
        Assert.Equal(5.0m, o.Task.DefaultLlmTaskFeeCnx);
        Assert.Equal(15.0m, o.Task.DefaultSdFinetuneTaskFeeCnx);
        Assert.Equal(3000, o.Task.DefaultLlmMaxCompletionTokens);
        Assert.Equal(1, o.Task.RepeatNum);
        Assert.Equal(1, o.Task.MaxRepeatNum);
        Assert.Equal((40m, 10m, 30m), (o.Task.MaxFeeCnx.Sd, o.Task.MaxFeeCnx.Llm, o.Task.MaxFeeCnx.SdFinetune));
        Assert.Equal(15, o.Api.KeepAliveSeconds);
        Assert.Equal(365, o.Api.ApiKeyLifetimeDays);
        Assert.Equal(20, o.Api.DefaultUseLimit);
        Assert.Equal(60, o.Api.DefaultRateLimit);
        Assert.Equal("", o.Api.PublicBaseUrl);
        Assert.Equal("", o.Redis.Connection);
        Assert.Equal("", o.Engine.InstanceId);
        Assert.Equal(60, o.Engine.LeaseSeconds);
        Assert.Equal(16, o.Engine.Workers);

        // Only the wallet is missing outside the container: the compose secret is mounted at run time.
        if (!File.Exists(o.Blockchain.Account.PrivateKeyFile))
        {
            var e = Assert.Throws<ConfigException>(() => WalletLoader.Load(o.Blockchain.Account));
            Assert.Equal("blockchain.account.private_key_file", e.Key);
        }
    }

    [Fact]
    public void Every_key_of_the_example_config_is_an_option_the_bridge_reads()
    {
        // The binder ignores unknown keys, so a misspelt key in the example would silently do nothing.
        var unknown = ConfigLoader.ReadYaml(ConfigPath).Keys.Where(k => !IsOption(typeof(BridgeOptions), k.Split(':'))).ToList();
        Assert.Empty(unknown);
    }

    private static bool IsOption(Type type, string[] path)
    {
        var name = path[0];
        var property = type.GetProperties().FirstOrDefault(p =>
            string.Equals(p.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name ?? p.Name, name, StringComparison.OrdinalIgnoreCase));
        if (property is null)
        {
            return false;
        }
        var scalar = property.PropertyType.IsPrimitive || property.PropertyType == typeof(string) || property.PropertyType == typeof(decimal);
        return path.Length == 1 ? scalar : !scalar && IsOption(property.PropertyType, path[1..]);
    }

    [Fact]
    public void Every_file_the_dockerfile_copies_exists()
    {
        var dockerfile = File.ReadAllText(Repository.PathOf("deploy/Dockerfile")).Replace("\\\n", " ", StringComparison.Ordinal);
        var copies = dockerfile.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("COPY ", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.NotEmpty(copies);
        var checkedSources = 0;
        foreach (var copy in copies)
        {
            var words = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
            if (words.Any(w => w.StartsWith("--from=", StringComparison.Ordinal)))
            {
                continue; // from another stage
            }
            var sources = words.Where(w => !w.StartsWith("--", StringComparison.Ordinal)).SkipLast(1).ToList();
            Assert.NotEmpty(sources);
            foreach (var source in sources)
            {
                // The build context is the repository root (docker-compose.yml: context "..").
                var path = Repository.PathOf(source.TrimEnd('/'));
                Assert.True(File.Exists(path) || Directory.Exists(path), $"the Dockerfile copies {source}, which is not in the repository ({copy})");
                checkedSources++;
            }
        }
        Assert.True(checkedSources >= 6, $"only {checkedSources} sources found");
        // The Dockerfile relies on .dockerignore to keep bin/obj, node_modules and the bundle out of the context.
        var ignore = File.ReadAllLines(Repository.PathOf(".dockerignore"));
        Assert.Contains("**/node_modules", ignore);
        Assert.Contains("src/Crynux.Bridge/wwwroot/lib", ignore);
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"Crynux.Bridge.dll\"]", dockerfile, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_file_the_compose_file_builds_mounts_or_reads_exists()
    {
        var deploy = Repository.PathOf("deploy");
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(deploy, "docker-compose.yml")))
        {
            stream.Load(reader);
        }
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var services = (YamlMappingNode)root["services"];
        var bridge = (YamlMappingNode)services["crynux_bridge"];

        var build = (YamlMappingNode)bridge["build"];
        var context = Path.GetFullPath(Path.Combine(deploy, Scalar(build["context"])));
        Assert.Equal(Path.GetFullPath(Repository.Root).TrimEnd('/'), context.TrimEnd('/'));
        Assert.True(File.Exists(Path.Combine(context, Scalar(build["dockerfile"]))), "the compose file builds a Dockerfile that does not exist");

        var mounts = 0;
        foreach (var (name, node) in services.Children)
        {
            if (((YamlMappingNode)node).Children.TryGetValue("volumes", out var volumes))
            {
                foreach (var volume in ((YamlSequenceNode)volumes).Children.Select(Scalar))
                {
                    var host = volume.Split(':')[0];
                    Assert.StartsWith("./", host, StringComparison.Ordinal);
                    if (host.StartsWith("./data/", StringComparison.Ordinal))
                    {
                        // Run-time state that Docker creates on first start; kept out of git and the image.
                        continue;
                    }
                    var path = Path.Combine(deploy, host);
                    Assert.True(File.Exists(path) || Directory.Exists(path), $"service {Scalar(name)} mounts {host}, which is not in the repository");
                    mounts++;
                }
            }
        }
        Assert.Equal(1, mounts);
        // The mounted config folder holds the file the bridge looks for at /app/config/config.yml.
        Assert.Contains("./config:/app/config:ro", ((YamlSequenceNode)bridge["volumes"]).Children.Select(Scalar));
        Assert.True(File.Exists(Path.Combine(deploy, "config", "config.yml")));
        Assert.Contains("/app/config/config.yml", ConfigLoader.DefaultPaths);

        // The one file the operator creates: the wallet key secret. The README's first step writes it; git never holds it.
        var secrets = (YamlMappingNode)root["secrets"];
        var secretFiles = secrets.Children.Values.Select(s => Scalar(((YamlMappingNode)s)["file"])).ToList();
        Assert.Equal(["./privkey.txt"], secretFiles);
        Assert.Contains("echo \"0xabcd...23cd\" > privkey.txt", File.ReadAllText(Path.Combine(deploy, "README.md")), StringComparison.Ordinal);
        Assert.Contains("privkey.txt", File.ReadAllLines(Repository.PathOf(".gitignore")));
        Assert.Contains("data/", File.ReadAllLines(Repository.PathOf(".gitignore")));
        // ... and the config points the bridge at the secret compose mounts.
        var secretName = Scalar(((YamlSequenceNode)bridge["secrets"]).Children.Single());
        Assert.Equal($"/run/secrets/{secretName}", LoadExample().Blockchain.Account.PrivateKeyFile);

        // The published port is the configured one.
        Assert.Contains($"{LoadExample().Http.Port}:{LoadExample().Http.Port}", ((YamlSequenceNode)bridge["ports"]).Children.Select(Scalar));
    }

    [Fact]
    public void The_deploy_smoke_runs_the_dockerfiles_commands()
    {
        var dockerfile = File.ReadAllText(Repository.PathOf("deploy/Dockerfile")).Replace("\\\n", " ", StringComparison.Ordinal);
        var stages = dockerfile.Split("\nFROM ", StringSplitOptions.None);
        var build = stages.Single(s => s.Contains(" AS build", StringComparison.Ordinal));
        var runtime = stages.Single(s => s.Contains(" AS runtime", StringComparison.Ordinal));
        var smoke = File.ReadAllLines(Repository.PathOf(".ci/deploy-smoke")).Select(l => l.Trim()).ToList();

        // Every dotnet command of the build stage, with the image's /app standing for the smoke's publish directory.
        var dotnetRuns = Lines(build).Where(l => l.StartsWith("RUN dotnet ", StringComparison.Ordinal)).Select(l => l["RUN ".Length..]).ToList();
        Assert.Equal(2, dotnetRuns.Count);
        Assert.Contains(dotnetRuns, r => r.StartsWith("dotnet publish ", StringComparison.Ordinal) && r.EndsWith(" -o /app", StringComparison.Ordinal));
        foreach (var run in dotnetRuns)
        {
            var inSmoke = run.Replace(" /app", " \"$app\"", StringComparison.Ordinal);
            Assert.True(smoke.Any(l => l.StartsWith(inSmoke + " ", StringComparison.Ordinal) || l == inSmoke),
                $"the Dockerfile runs `{run}`, the deploy smoke does not run `{inSmoke}`");
        }

        // The runtime stage: the publish output is the working directory, and the entrypoint runs there.
        Assert.Contains("WORKDIR /app", Lines(runtime));
        Assert.Contains("COPY --from=build /app ./", Lines(runtime));
        var entrypoint = Lines(runtime).Single(l => l.StartsWith("ENTRYPOINT ", StringComparison.Ordinal));
        var command = string.Join(' ', System.Text.Json.JsonSerializer.Deserialize<string[]>(entrypoint["ENTRYPOINT ".Length..])!);
        Assert.Equal("dotnet Crynux.Bridge.dll", command);
        Assert.Contains(smoke, l => l.StartsWith("(cd \"$app\" && exec ", StringComparison.Ordinal));
        Assert.Contains(smoke, l => l.StartsWith(command + ")", StringComparison.Ordinal));
        // The example config, as the compose file mounts it (config/config.yml under the working directory).
        Assert.Contains(smoke, l => l.Contains("\"$repo/deploy/config/config.yml\" \"$app/config/config.yml\"", StringComparison.Ordinal));

        // The README's test command runs it.
        Assert.Contains("bash .ci/deploy-smoke || status=$?", File.ReadAllLines(Repository.PathOf(".ci/test")));
    }

    private static List<string> Lines(string text) => text.Split('\n').Select(l => l.Trim()).ToList();

    private static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value ?? "";
}
