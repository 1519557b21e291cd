using System.Diagnostics;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Cli;

/// <summary>Ctrl-C on the real executable: SIGINT to the process, as a terminal sends it.</summary>
public sealed class ExecInterruptTests
{
    [Fact(Timeout = 90_000)]
    public async Task Sigint_stops_the_remote_command_on_every_host_and_exits_130()
    {
        Requires.Sshd();
        var ct = TestContext.Current.CancellationToken;
        await using var fixture = await SshdFixture.StartAsync(2, ct);
        using var dir = new TempDir();
        var file = dir.Write("slipway.yml", $"""
            application: fleet
            deploy_to: /srv/fleet
            ssh:
              user: {SshdFixture.User}
              identity_file: {fixture.ClientKey}
              known_hosts: {fixture.KnownHosts}
            stages:
              production:
                hosts:
                  - host: 127.0.0.1
                    port: {fixture.Hosts[0].Port}
                  - host: 127.0.0.1
                    port: {fixture.Hosts[1].Port}
            """);
        // A duration nothing else on the machine uses, so the remote sleeps can be found by their command line.
        const string Marker = "sleep 4321.5";
        // The test host runs with SIGINT ignored, and children inherit that (as a background job's do); env resets it
        // to the default a terminal gives, then execs slipway under the same pid.
        var psi = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--default-signal=INT", Path.Combine(AppContext.BaseDirectory, "slipway"), "exec", "production", "-f", file, "--no-color", "--", $"echo started; {Marker}" })
        {
            psi.ArgumentList.Add(arg);
        }

        using var slipway = Process.Start(psi)!;
        var stderr = slipway.StandardError.ReadToEndAsync(ct);
        var started = 0;
        while (started < 2 && await slipway.StandardOutput.ReadLineAsync(ct) is { } line)
        {
            started += line.EndsWith("| started", StringComparison.Ordinal) ? 1 : 0;
        }

        started.ShouldBe(2, "both hosts must report before the interrupt");
        RemoteSleeps(Marker).ShouldNotBeEmpty();
        var clock = Stopwatch.StartNew();

        (await ProcessTools.RunAsync("kill", ["-INT", slipway.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], ct)).ExitCode.ShouldBe(0);
        var rest = await slipway.StandardOutput.ReadToEndAsync(ct);
        await slipway.WaitForExitAsync(ct);

        slipway.ExitCode.ShouldBe(130, rest + await stderr);
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        (await Eventually.ForAsync(() => RemoteSleeps(Marker).Count == 0, TimeSpan.FromSeconds(10), ct))
            .ShouldBeTrue("the remote commands must be stopped, not left running");
    }

    private static IReadOnlyList<int> RemoteSleeps(string marker) => ProcessTools.WithCommandLine(line => line == marker);
}
