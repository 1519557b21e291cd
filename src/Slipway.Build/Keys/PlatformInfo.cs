namespace Slipway.Build.Keys;

/// <summary>What an artifact was built for: a binary from one is not assumed to run on another.</summary>
/// <param name="Os">"linux", from the runtime.</param>
/// <param name="Release">The distribution and release from /etc/os-release, e.g. "debian 12".</param>
/// <param name="Arch">"x64", "arm64", ...</param>
/// <param name="Libc">"glibc 2.36", "musl", or "unknown".</param>
public sealed record PlatformInfo(string Os, string Release, string Arch, string Libc)
{
    /// <summary>The short form recipes name in <c>platform:</c>, e.g. "linux-x64".</summary>
    public string OsArch => $"{Os}-{Arch}";
}
