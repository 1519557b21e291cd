using System.Runtime.InteropServices;
using Slipway.Build.Keys;

namespace Slipway.Build.Building;

/// <summary>Finds this machine's <see cref="PlatformInfo"/>: runtime OS and architecture, /etc/os-release, the C library.</summary>
public static partial class PlatformDetector
{
    public static async Task<PlatformInfo> DetectAsync(CancellationToken ct)
    {
        var os = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "macos" : "other";
        var arch = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();
        return new PlatformInfo(os, await ReleaseAsync(ct), arch, await LibcAsync(ct));
    }

    /// <summary>"ID VERSION_ID" from os-release, e.g. "debian 12" (pure; the file's text is passed in).</summary>
    public static string ParseOsRelease(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var fields = text.Split('\n')
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .GroupBy(parts => parts[0].Trim(), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First()[1].Trim().Trim('"'), StringComparer.Ordinal);
        var id = fields.GetValueOrDefault("ID") ?? "unknown";
        return fields.TryGetValue("VERSION_ID", out var version) ? $"{id} {version}" : id;
    }

    private static async Task<string> ReleaseAsync(CancellationToken ct)
    {
        const string Path = "/etc/os-release";
        return File.Exists(Path) ? ParseOsRelease(await File.ReadAllTextAsync(Path, ct)) : "unknown";
    }

    [LibraryImport("libc", EntryPoint = "gnu_get_libc_version")]
    private static partial IntPtr GnuLibcVersion();

    private static async Task<string> LibcAsync(CancellationToken ct)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "unknown";
        }

        // The running C library says its version itself: no getconf process (the same text `getconf GNU_LIBC_VERSION` prints).
        try
        {
            if (Marshal.PtrToStringUTF8(GnuLibcVersion()) is { Length: > 0 } version)
            {
                return "glibc " + version;
            }
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // Not glibc.
        }

        if (Directory.Exists("/lib") && Directory.EnumerateFiles("/lib", "ld-musl-*").Any())
        {
            return "musl";
        }

        try
        {
            var result = await ProcessRunner.RunAsync("getconf", ["GNU_LIBC_VERSION"], "/", null, ct);
            return result.ExitCode == 0 ? result.Output.Trim() : "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
