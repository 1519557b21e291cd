using System.Globalization;
using Slipway.IntegrationTests.Deploy;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Recipes;

/// <summary>
/// Prepares a loopback host the way <c>slipway setup</c> does (docs/recipes-design host layout): the host-side binary at
/// <c>slipway/bin/slipway</c> (a launcher for this build, as setup installs on hosts that are this machine), Slipway's
/// supervisor configuration, and the daemon started. Stand-in until <c>slipway setup</c> is on this branch.
/// </summary>
internal static class HostAgent
{
    public static async Task InstallAsync(DeploySite site, int host, CancellationToken ct)
    {
        var root = Path.Combine(site.DeployTo(host), "slipway");
        Directory.CreateDirectory(Path.Combine(root, "bin"));
        Directory.CreateDirectory(Path.Combine(root, "log"));
        var dll = typeof(Slipway.Cli.SlipwayApp).Assembly.Location;
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "/usr/share/dotnet/dotnet";
        var binary = Path.Combine(root, "bin", "slipway");
        await File.WriteAllTextAsync(binary, $"#!/bin/sh\nexec {dotnet} {dll} \"$@\"\n", ct);
        (await ProcessTools.RunAsync("chmod", ["755", binary], ct)).ExitCode.ShouldBe(0);
        var config = Path.Combine(root, "supervisord.conf");
        await File.WriteAllTextAsync(config, $"""
            [unix_http_server]
            file={root}/supervisor.sock

            [supervisord]
            logfile={root}/log/supervisord.log
            pidfile={root}/supervisord.pid
            childlogdir={root}/log

            [rpcinterface:supervisor]
            supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

            [include]
            files={root}/programs.conf

            """, ct);
        await File.WriteAllTextAsync(Path.Combine(root, "programs.conf"), "", ct);
        // In the foreground (-n), detached: the daemon mode re-executes the process path, which for this launcher is
        // dotnet itself, without the dll.
        var start = $"setsid {binary} supervise -n -c {config} > {root}/log/supervise.out 2>&1 < /dev/null &";
        var (code, stdout, stderr) = await ProcessTools.RunAsync("/bin/sh", ["-c", start], ct);
        code.ShouldBe(0, stdout + stderr);
        (await Eventually.ForAsync(() => File.Exists(Path.Combine(root, "supervisor.sock")), TimeSpan.FromSeconds(20), ct))
            .ShouldBeTrue("the supervisor of host " + host.ToString(CultureInfo.InvariantCulture) + " did not open its socket");
    }
}
