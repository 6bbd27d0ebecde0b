namespace Crynux.Bridge.Configuration;

public sealed class DbOptions
{
    /// <summary>sqlite, mysql or postgres.</summary>
    public string Driver { get; set; } = "sqlite";

    /// <summary>sqlite: a file path or an ADO.NET string; mysql: a Go DSN or an ADO.NET string; postgres: an ADO.NET string or URL.</summary>
    public string Connection { get; set; } = "";

    public LogOptions Log { get; set; } = new();
}
