using System.Runtime.CompilerServices;
using Crynux.Bridge.Data;

namespace Crynux.Bridge.Tests.Support;

/// <summary>The test assembly is a composition root too: stores built by hand need the bridge's Dapper conventions.</summary>
internal static class TestAssemblySetup
{
    [ModuleInitializer]
    internal static void Apply() => DapperConventions.Apply();
}
