namespace Slipway.Testing;

/// <summary>Test prerequisites: skipped locally with the fix, but a failure on CI (a broken CI image must not hide regressions).</summary>
public static class Requires
{
    public const string SshdPath = "/usr/sbin/sshd";

    public static void Sshd() =>
        Check(File.Exists(SshdPath) && File.Exists("/usr/bin/ssh"),
            "OpenSSH server/client not installed. Fix: apt-get install -y openssh-server openssh-client",
            Environment.GetEnvironmentVariable("CI"));

    /// <summary>
    /// The native slipway: artifacts/native/slipway, published by scripts/test.sh (scripts/publish-native.sh), or
    /// $SLIPWAY_NATIVE_CLI.
    /// </summary>
    public static string NativeCli()
    {
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
        var path = Environment.GetEnvironmentVariable("SLIPWAY_NATIVE_CLI") is { Length: > 0 } configured
            ? configured
            : Path.Combine(root, "artifacts/native/slipway");
        Check(File.Exists(path), $"the native slipway {path} is not built. Fix: bash scripts/publish-native.sh",
            Environment.GetEnvironmentVariable("CI"));
        return path;
    }

    /// <summary>Skips (locally) or fails (<paramref name="ci"/> is "true") when <paramref name="present"/> is false.</summary>
    public static void Check(bool present, string reason, string? ci)
    {
        if (present)
        {
            return;
        }

        if (string.Equals(ci, "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(reason + " (CI=true: a missing prerequisite fails the build instead of skipping)");
        }

        // xunit.v3 turns an exception with this message prefix into a skip (what Assert.Skip throws); Slipway.Testing
        // only references the extensibility package, which has no Assert.
        throw new SkipTestException("$XunitDynamicSkip$" + reason);
    }
}

/// <summary>Thrown to skip the running test; see <see cref="Requires"/>.</summary>
public sealed class SkipTestException(string message) : Exception(message);
