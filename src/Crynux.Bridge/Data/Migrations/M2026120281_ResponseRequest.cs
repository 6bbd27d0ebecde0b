using FluentMigrator;

namespace Crynux.Bridge.Data.Migrations;

/// <summary>
/// The request of a stored response that has not finished yet (its body and the conversation it continues), so that a
/// bridge restarted while the task ran can still finish the stored response. Cleared when the response finishes.
/// </summary>
[Migration(2026120281, "llm_responses.request")]
public sealed class M2026120281ResponseRequest : Migration
{
    public override void Up() => Alter.Table("llm_responses").AddColumn("request").AsString(int.MaxValue).Nullable();

    public override void Down() => Delete.Column("request").FromTable("llm_responses");
}
