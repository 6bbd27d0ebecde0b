namespace Crynux.Bridge.Configuration;

/// <summary>Optional request logs next to the main log file (<c>log.features</c>); both off by default.</summary>
public sealed class LogFeatureOptions
{
    /// <summary>One line per chat or completion request: redacted key, commitment, duration, request and response.</summary>
    [ConfigurationKeyName("llm_api_request_log_enabled")]
    public bool LlmApiRequestLogEnabled { get; set; }

    /// <summary>Also a line per request with tools, saying whether the answer held a tool call.</summary>
    [ConfigurationKeyName("llm_api_request_log_toolcall_enabled")]
    public bool LlmApiRequestLogToolcallEnabled { get; set; }
}
