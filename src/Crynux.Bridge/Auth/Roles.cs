namespace Crynux.Bridge.Auth;

public static class Roles
{
    public const string Chat = "chat";
    public const string Image = "image";
    public const string Admin = "admin";

    public static readonly string[] All = [Chat, Image, Admin];

    /// <summary>admin grants everything; chat the LLM routes; image the image routes.</summary>
    public static bool Grants(IReadOnlyList<string> held, string required) => held.Contains(Admin) || held.Contains(required);
}
