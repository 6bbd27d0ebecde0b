namespace Crynux.Bridge.Data;

public enum DbDriver
{
    Sqlite,
    MySql,
    Postgres,
}
