namespace Slipway.Testing;

/// <summary>Test prerequisites: skipped locally with the fix, but a failure on CI (a broken CI image must not hide regressions).</summary>
public static class Requires
{
    public const string SshdPath = "/usr/sbin/sshd";

    public static void Sshd() =>
        Check(File.Exists(SshdPath) && File.Exists("/usr/bin/ssh"),
            "OpenSSH server/client not installed. Fix: apt-get install -y openssh-server openssh-client",
            Environment.GetEnvironmentVariable("CI"));

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
