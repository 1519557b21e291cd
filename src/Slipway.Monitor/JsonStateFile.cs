using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Slipway.Monitor;

/// <summary>
/// The small JSON files the monitor keeps beside slipway.yml (marks, state): read whole, and written whole to a
/// temporary file renamed over the old one, so a reader never sees half a file.
/// </summary>
internal static class JsonStateFile
{
    /// <summary>The file's value, or null when there is no file.</summary>
    /// <exception cref="InvalidDataException">The file is not JSON of that shape; <paramref name="what"/> names it.</exception>
    public static async Task<T?> LoadAsync<T>(string path, JsonTypeInfo<T> type, string what, CancellationToken ct)
        where T : class
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            await using var stream = File.OpenRead(path);
            return await JsonSerializer.DeserializeAsync(stream, type, ct);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not {what} ({e.Message})", e);
        }
    }

    public static async Task SaveAsync<T>(string path, T value, JsonTypeInfo<T> type, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        await using (var stream = File.Create(temporary))
        {
            await JsonSerializer.SerializeAsync(stream, value, type, ct);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
