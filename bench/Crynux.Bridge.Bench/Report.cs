using System.Globalization;
using System.Text;

namespace Crynux.Bridge.Bench;

/// <summary>One reported figure: the values of repeated runs, shown as median (min–max), with an optional target.</summary>
internal sealed record Figure(string Scenario, string Metric, IReadOnlyList<double> Values, string Unit, string Target = "", Func<double, bool>? Meets = null)
{
    public double Median => Measure.Median(Values);

    public string Shown()
    {
        var real = Values.Where(v => !double.IsNaN(v)).ToList();
        if (real.Count == 0)
        {
            return "n/a";
        }
        var median = Fmt(Measure.Median(real));
        return real.Count == 1 ? median : $"{median} ({Fmt(real.Min())}–{Fmt(real.Max())})";
    }

    public string Status => Meets is null || double.IsNaN(Median) ? "" : Meets(Median) ? "met" : "**missed**";

    public static string Fmt(double v) => Math.Abs(v) switch
    {
        _ when v == Math.Floor(v) && Math.Abs(v) < 1e12 => v.ToString("F0", CultureInfo.InvariantCulture),
        >= 100 => v.ToString("F0", CultureInfo.InvariantCulture),
        >= 10 => v.ToString("F1", CultureInfo.InvariantCulture),
        _ => v.ToString("F2", CultureInfo.InvariantCulture),
    };
}

/// <summary>A scaling row: how time and memory grow with the amount of work.</summary>
internal sealed record ScaleRow(string Scenario, string Work, double WallSeconds, double BridgeCpuSeconds, double BridgePeakMb, double DevnetCpuSeconds, string Note = "");

internal sealed class Report
{
    public List<Figure> Figures { get; } = [];
    public List<ScaleRow> Scaling { get; } = [];
    public List<string> Notes { get; } = [];
    public List<string> Failures { get; } = [];

    public void Add(string scenario, string metric, IEnumerable<double> values, string unit, string target = "", Func<double, bool>? meets = null) =>
        Figures.Add(new Figure(scenario, metric, [.. values], unit, target, meets));

    public string Markdown(string header)
    {
        var md = new StringBuilder();
        md.Append(header).Append('\n');
        md.Append("| scenario | figure | median (min–max) | unit | target | |\n| --- | --- | ---: | --- | --- | --- |\n");
        foreach (var f in Figures)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {f.Scenario} | {f.Metric} | {f.Shown()} | {f.Unit} | {f.Target} | {f.Status} |\n");
        }
        if (Scaling.Count > 0)
        {
            md.Append("\nScaling (one run per row, or the last of the repeats):\n\n");
            md.Append("| scenario | work | wall s | bridge CPU s | bridge peak RSS MB | devnet CPU s | note |\n| --- | --- | ---: | ---: | ---: | ---: | --- |\n");
            foreach (var s in Scaling)
            {
                md.Append(CultureInfo.InvariantCulture,
                    $"| {s.Scenario} | {s.Work} | {Figure.Fmt(s.WallSeconds)} | {Figure.Fmt(s.BridgeCpuSeconds)} | {Figure.Fmt(s.BridgePeakMb)} | {Figure.Fmt(s.DevnetCpuSeconds)} | {s.Note} |\n");
            }
        }
        if (Notes.Count > 0)
        {
            md.Append('\n');
            foreach (var n in Notes)
            {
                md.Append("- ").Append(n).Append('\n');
            }
        }
        if (Failures.Count > 0)
        {
            md.Append("\nFailures:\n\n");
            foreach (var n in Failures)
            {
                md.Append("- ").Append(n).Append('\n');
            }
        }
        return md.ToString();
    }
}
