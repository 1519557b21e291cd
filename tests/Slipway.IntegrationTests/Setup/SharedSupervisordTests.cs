using System.Globalization;
using System.Text.Json;
using Slipway.IntegrationTests.Deploy;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Setup;

/// <summary>
/// <c>supervisor: supervisord</c>: a real (Debian) supervisord that another application also uses. Setup checks it, and
/// <c>ps</c>, <c>restart</c> and <c>logs tail</c> see and touch only this application's programs (named <c>site-…</c>).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SharedSupervisordTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Ps_restart_and_logs_tail_keep_to_this_applications_programs()
    {
        Requires.Check(File.Exists("/usr/bin/supervisord"), "supervisor is needed. Fix: bash scripts/deps/supervise.sh", Environment.GetEnvironmentVariable("CI"));
        await using var site = await DeploySite.StartAsync(1, Ct);
        using var dir = new TempDir("slw-shared-");
        var socket = dir.File("supervisor.sock");
        var programs = dir.File("conf.d/site.conf");
        Directory.CreateDirectory(dir.File("conf.d"));
        // What the deploy renders for this application (the site's programs prefixed) next to another site's program.
        await File.WriteAllTextAsync(programs, "[program:site-web]\ncommand=/bin/sh -c 'echo site web up; exec sleep 1000'\nstartsecs=0\n", Ct);
        await File.WriteAllTextAsync(dir.File("conf.d/other.conf"), "[program:other-web]\ncommand=/bin/sleep 1000\nstartsecs=0\n", Ct);
        var conf = dir.Write("supervisord.conf", $"""
            [unix_http_server]
            file={socket}
            [supervisord]
            logfile={dir.File("supervisord.log")}
            pidfile={dir.File("supervisord.pid")}
            childlogdir={dir.Path}
            [rpcinterface:supervisor]
            supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
            [include]
            files={dir.File("conf.d")}/*.conf

            """);
        site.Configure(extra: $$"""
            supervisor: { kind: supervisord, socket: {{socket}}, programs_file: {{programs}} }
            processes:
              web: { command: "serve" }
            """);
        var (started, stdout, stderr) = await ProcessTools.RunAsync("/usr/bin/supervisord", ["-c", conf], Ct);
        started.ShouldBe(0, stdout + stderr);
        try
        {
            (await Eventually.ForAsync(() => File.Exists(socket), TimeSpan.FromSeconds(20), Ct)).ShouldBeTrue("supervisord did not open its socket");
            var (setup, setupOutput) = await site.RunAsync("setup", "production");
            setup.ShouldBe(0, setupOutput);

            var (ps, psOutput) = await site.RunAsync("ps", "production", "--json");
            ps.ShouldBe(0, psOutput);
            int webPid, otherPid;
            using (var json = JsonDocument.Parse(psOutput))
            {
                var processes = json.RootElement.GetProperty("hosts")[0].GetProperty("processes").EnumerateArray().ToList();
                processes.Select(p => p.GetProperty("name").GetString()).ShouldBe(["site-web"], "the other application's program is not this site's");
                webPid = processes[0].GetProperty("pid").GetInt32();
            }

            otherPid = await PidOfAsync(site, socket, "other-web");

            // Without a name: this application's programs only; `web` is the process name from slipway.yml.
            foreach (var args in new[] { new[] { "restart", "production" }, ["restart", "production", "web"] })
            {
                var (restart, restartOutput) = await site.RunAsync(args);
                restart.ShouldBe(0, restartOutput);
                restartOutput.ShouldContain($"{site.HostName(0)}: restarted");
                var pid = await PidOfAsync(site, socket, "site-web");
                pid.ShouldNotBe(webPid);
                webPid = pid;
                (await PidOfAsync(site, socket, "other-web")).ShouldBe(otherPid, "another application's program is never restarted");
            }

            var (tail, tailOutput) = await site.RunAsync("logs", "tail", "production", "web");
            tail.ShouldBe(0, tailOutput);
            tailOutput.ShouldContain($"{site.HostName(0)}: site web up");
        }
        finally
        {
            if (File.Exists(dir.File("supervisord.pid")) &&
                int.TryParse((await File.ReadAllTextAsync(dir.File("supervisord.pid"), CancellationToken.None)).Trim(), CultureInfo.InvariantCulture, out var pid))
            {
                await ProcessTools.RunAsync("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)], CancellationToken.None);
                await Eventually.ForAsync(() => !Directory.Exists("/proc/" + pid.ToString(CultureInfo.InvariantCulture)), TimeSpan.FromSeconds(20), CancellationToken.None);
            }
        }
    }

    /// <summary>A program's pid as supervisord reports it (through the agent setup installed), whichever application it belongs to.</summary>
    private static async Task<int> PidOfAsync(DeploySite site, string socket, string name)
    {
        var (code, stdout, stderr) = await ProcessTools.RunAsync(Path.Combine(site.DeployTo(0), "slipway/bin/slipway"),
            ["agent", "supervisor", "status", "--socket", socket, "--json"], Ct);
        code.ShouldBe(0, stdout + stderr);
        using var json = JsonDocument.Parse(stdout);
        return json.RootElement.GetProperty("processes").EnumerateArray().Single(p => p.GetProperty("name").GetString() == name).GetProperty("pid").GetInt32();
    }
}
