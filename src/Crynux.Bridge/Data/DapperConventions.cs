using Dapper;

namespace Crynux.Bridge.Data;

/// <summary>
/// The one process-wide Dapper setting every store relies on: snake_case columns fill PascalCase properties
/// (task_id_commitment → TaskIdCommitment). Dapper keeps it in a static, so each composition root (the bridge's
/// services, the CLI's task reader, the test assembly) applies it once before any store runs a query.
/// </summary>
public static class DapperConventions
{
    public static void Apply() => DefaultTypeMap.MatchNamesWithUnderscores = true;
}
