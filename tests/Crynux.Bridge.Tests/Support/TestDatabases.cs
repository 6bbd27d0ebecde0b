using Crynux.Bridge.Configuration;

namespace Crynux.Bridge.Tests.Support;

/// <summary>
/// The databases the integration tests run on: SQLite always; MariaDB and PostgreSQL from CRYNUX_TEST_MYSQL and
/// CRYNUX_TEST_POSTGRES (set by .ci/services). Under CI=true a missing server fails the test; locally it skips with a reason.
/// </summary>
public static class TestDatabases
{
    public static TheoryData<string> All => ["sqlite", "mysql", "postgres"];

    /// <summary>A fresh, empty database of this kind (a new file or a new database name).</summary>
    public static DbOptions Create(string driver, string dataDir)
    {
        var name = "crynux_test_" + Guid.NewGuid().ToString("N")[..12];
        switch (driver)
        {
            case "sqlite":
                return new DbOptions { Driver = "sqlite", Connection = Path.Combine(dataDir, "bridge.db") };
            case "mysql":
                return new DbOptions { Driver = "mysql", Connection = Server("CRYNUX_TEST_MYSQL", "MariaDB") + ";Database=" + name };
            default:
                return new DbOptions { Driver = "postgres", Connection = Server("CRYNUX_TEST_POSTGRES", "PostgreSQL") + ";Database=" + name };
        }
    }

    private static string Server(string variable, string what)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrEmpty(value))
        {
            return value;
        }
        if (Environment.GetEnvironmentVariable("CI") == "true")
        {
            throw new InvalidOperationException($"{variable} is not set: CI must provide a {what} server (see .ci/services)");
        }
        Assert.Skip($"{what} is not available: set {variable} (bash .ci/services starts one) to run this test");
        return "";
    }

    public static string? Redis()
    {
        var value = Environment.GetEnvironmentVariable("CRYNUX_TEST_REDIS");
        if (string.IsNullOrEmpty(value))
        {
            if (Environment.GetEnvironmentVariable("CI") == "true")
            {
                throw new InvalidOperationException("CRYNUX_TEST_REDIS is not set: CI must provide a Redis server");
            }
            Assert.Skip("Redis is not available: set CRYNUX_TEST_REDIS to run this test");
        }
        return value;
    }
}
