namespace Crynux.Bridge.Configuration;

public sealed class LogOptions
{
    public string Level { get; set; } = "info";
    public string Output { get; set; } = "";
    [ConfigurationKeyName("max_file_size")]
    public int MaxFileSize { get; set; } = 100;
    [ConfigurationKeyName("max_days")]
    public int MaxDays { get; set; } = 30;
    [ConfigurationKeyName("max_file_num")]
    public int MaxFileNum { get; set; } = 5;
    public LogFeatureOptions Features { get; set; } = new();
}
