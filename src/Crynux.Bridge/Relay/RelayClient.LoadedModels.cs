namespace Crynux.Bridge.Relay;

public sealed partial class RelayClient
{
    /// <summary>
    /// The Relay's catalog of models that ran on the network (2026, unsigned); null when this Relay has no such route
    /// (the 2025 generation answers its framework's plain-text 404). Other failures throw <see cref="RelayException"/>.
    /// </summary>
    public async Task<IReadOnlyList<RelayLoadedModel>?> GetLoadedModelsAsync(CancellationToken ct)
    {
        try
        {
            return await SendAsync("loaded_models", () => new HttpRequestMessage(HttpMethod.Get, "v2/loaded-models"), ReadData<List<RelayLoadedModel>>, ct);
        }
        catch (RelayException e) when (e.RouteMissing)
        {
            return null;
        }
    }
}
