using Crynux.Bridge.Data;

namespace Crynux.Bridge.Engine;

public sealed record SubmitResult(Admission Admission, ClientTaskRow? Task);
