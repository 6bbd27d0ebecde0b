namespace Crynux.Bridge.Configuration;

public sealed class AdminOptions
{
    /// <summary>The token of the admin routes (?auth= or Authorization: Bearer); empty denies every admin call.</summary>
    [ConfigurationKeyName("auth_token")]
    public string AuthToken { get; set; } = "";
}
