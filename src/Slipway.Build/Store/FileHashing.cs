using System.Security.Cryptography;

namespace Slipway.Build.Store;

internal static class FileHashing
{
    public static async Task<string> Sha256Async(string path, CancellationToken ct)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));
    }
}
