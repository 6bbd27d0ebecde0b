using System.Text.Json;

namespace Crynux.Crypto.Tests;

/// <summary>Loads vectors/crypto-vectors.json (copied next to the tests) as test data; the vectors are never regenerated.</summary>
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
        var path = Path.Combine(AppContext.BaseDirectory, "vectors", "crypto-vectors.json");
        return File.Exists(path) ? path : throw new FileNotFoundException("the crypto vectors are missing from the test output", path);
    }
}
