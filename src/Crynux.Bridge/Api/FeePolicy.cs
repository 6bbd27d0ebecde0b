using System.Numerics;
using Crynux.Bridge.Auth;
using Crynux.Bridge.Configuration;
using Crynux.Bridge.Data;
using Crynux.Bridge.Engine;
using Crynux.Bridge.Pricing;

namespace Crynux.Bridge.Api;

/// <summary>
/// The operator's bounds on what one request may cost the wallet: a fee ceiling per task type (task.max_fee_cnx, on the
/// whole Relay task: fee × task size), whoever chose the fee, and task.max_repeat_num for keys without the admin role.
/// </summary>
public sealed class FeePolicy(TaskOptions options)
{
    /// <summary>The most repeat_num an admin key may ask for.</summary>
    public const int AdminMaxRepeatNum = 10;

    public BigInteger CeilingWei(TaskType type) => Fees.CnxToWei(CeilingCnx(type));

    public decimal CeilingCnx(TaskType type) => type switch
    {
        TaskType.Llm => options.MaxFeeCnx.Llm,
        TaskType.StableDiffusion => options.MaxFeeCnx.Sd,
        _ => options.MaxFeeCnx.SdFinetune,
    };

    public static string CeilingKey(TaskType type) => type switch
    {
        TaskType.Llm => "task.max_fee_cnx.llm",
        TaskType.StableDiffusion => "task.max_fee_cnx.sd",
        _ => "task.max_fee_cnx.sd_finetune",
    };

    public int MaxRepeatNum(ApiKeyRow key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.RoleList.Contains(Roles.Admin) ? AdminMaxRepeatNum : options.MaxRepeatNum;
    }

    /// <summary>Null when the task is within bounds; else a 400 naming <paramref name="feeParam"/> (or repeat_num) and the ceiling.</summary>
    public Problem? Check(TaskSpec spec, ApiKeyRow key, string feeParam)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var ceiling = CeilingWei(spec.Type);
        if (spec.FeeWei > ceiling || spec.FeeWei < 0)
        {
            return Problem.BadRequest(feeParam,
                $"This task would cost {Fees.WeiToCnx(spec.FeeWei)} CNX (fee × task size {spec.TaskSize}), above this bridge's ceiling of " +
                $"{Fees.WeiToCnx(ceiling)} CNX for {Describe(spec.Type)} tasks ({CeilingKey(spec.Type)}).");
        }
        var maxRepeat = MaxRepeatNum(key);
        if (spec.RepeatNum > maxRepeat)
        {
            return Problem.BadRequest("repeat_num", maxRepeat < AdminMaxRepeatNum
                ? $"repeat_num must be at most {maxRepeat} for this API key (task.max_repeat_num); more needs the admin role"
                : $"repeat_num must be at most {maxRepeat}");
        }
        return null;
    }

    private static string Describe(TaskType type) => type switch
    {
        TaskType.Llm => "LLM",
        TaskType.StableDiffusion => "image",
        _ => "fine-tune",
    };
}
