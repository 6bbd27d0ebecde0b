using System.Text.Json;

namespace Crynux.Crypto.Tests;

/// <summary>Loads ../shared/vectors/crypto-vectors.json (next to the repository) as test data; the vectors are never regenerated.</summary>
public static class CryptoVectors
{
    private static readonly Lazy<JsonDocument> Document = new(() => JsonDocument.Parse(File.ReadAllBytes(FindFile())));

    public static JsonElement Root => Document.Value.RootElement;

    public static TheoryData<int> Indexes(string section)
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Root.GetProperty(section).GetArrayLength(); i++)
        {
            data.Add(i);
        }

        return data;
    }

    public static JsonElement Row(string section, int index) => Root.GetProperty(section)[index];

    public static string Text(this JsonElement row, string name) => row.GetProperty(name).GetString()!;

    public static byte[] Bytes(this JsonElement row, string name) => Hex.Decode(row.Text(name));

    private static string FindFile()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CrynuxBridge.slnx")))
            {
                var path = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "vectors", "crypto-vectors.json"));
                return File.Exists(path) ? path : throw new FileNotFoundException("the shared vectors are missing", path);
            }
        }

        throw new DirectoryNotFoundException("no CrynuxBridge.slnx above " + AppContext.BaseDirectory);
    }
}
