using Slipway.Core.Config;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Remote;

/// <summary>Settings and host records pointing at an <see cref="SshdFixture"/>.</summary>
internal static class SshTestHosts
{
    public static SshSettings Settings(SshdFixture fixture) => new()
    {
        IdentityFile = fixture.ClientKey,
        KnownHosts = fixture.KnownHosts,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        ControlPersist = null, // each test connects afresh and leaves no ssh process behind
    };

    public static HostConfig Host(SshdFixture fixture, int index) => new()
    {
        Host = "127.0.0.1",
        Port = fixture.Hosts[index].Port,
        User = SshdFixture.User,
    };

    /// <summary>The ssh processes (our children) whose command line contains <paramref name="marker"/>.</summary>
    public static IReadOnlyList<int> LocalProcessesWith(string marker) =>
        [.. ProcessTools.Descendants(Environment.ProcessId).Where(pid => ProcessTools.CommandLine(pid).Contains(marker, StringComparison.Ordinal))];
}
