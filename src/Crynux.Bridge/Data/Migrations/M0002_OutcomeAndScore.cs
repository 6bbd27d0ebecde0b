using FluentMigrator;

namespace Crynux.Bridge.Data.Migrations;

/// <summary>
/// <c>outcome_unknown</c>: a call about the task (create, validate) got no readable answer, so the Relay may or may not
/// have acted; the engine asks the Relay before doing anything else. <c>score</c>: the score the Relay holds (from the
/// TaskScoreReady event or a GET), against which an LLM result is checked before it counts.
/// </summary>
[Migration(2026120201, "inference_tasks.outcome_unknown and score")]
public sealed class M0002OutcomeAndScore : Migration
{
    public override void Up()
    {
        Alter.Table("inference_tasks")
            .AddColumn("outcome_unknown").AsInt32().NotNullable().WithDefaultValue(0)
            .AddColumn("score").AsString(2048).NotNullable().WithDefaultValue("");
    }

    public override void Down()
    {
        Delete.Column("outcome_unknown").FromTable("inference_tasks");
        Delete.Column("score").FromTable("inference_tasks");
    }
}
