namespace Crynux.Bridge.Llm;

internal sealed record GenerationSettings(
    int MaxNewTokens, IReadOnlyList<string> Stop, bool? DoSample, double? Temperature, int? TopK, double? TopP, double? MinP,
    double? RepetitionPenalty, int N);
