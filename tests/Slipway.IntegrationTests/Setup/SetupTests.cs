using System.Globalization;
using System.Text.Json;
using Slipway.IntegrationTests.Deploy;
using Slipway.Supervisor.Client;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Setup;

/// <summary><c>slipway setup</c> on two real sshd hosts: the first run prepares them and starts the daemon, the second changes nothing.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SetupTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Stops the daemons setup started (by the pid in their pidfile), whatever the test's outcome.</summary>
    internal static void StopDaemons(DeploySite site)
    {
        for (var i = 0; i < site.Ports.Count; i++)
        {
            var pidFile = Path.Combine(site.DeployTo(i), "slipway", "supervisord.pid");
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var pid))
            {
                ProcessTools.KillQuietly(pid);
            }
        }
    }

    [Fact]
    public async Task First_run_prepares_the_hosts_and_starts_the_daemon_and_the_second_changes_nothing()
    {
        await using var site = await DeploySite.StartAsync(2, Ct);
        site.Configure(linked: "linked_dirs: [media, log]\nlinked_files: [.env]");
        try
        {
            File.Exists(Path.Combine(site.DeployTo(1), "shared/.env")).ShouldBeFalse();
            Directory.CreateDirectory(Path.Combine(site.DeployTo(1), "shared"));
            await File.WriteAllTextAsync(Path.Combine(site.DeployTo(1), "shared/.env"), "SECRET_KEY=keep-me\n", Ct);

            var (code, output) = await site.RunAsync("setup", "production");

            code.ShouldBe(0, output);
            for (var i = 0; i < 2; i++)
            {
                var d = site.DeployTo(i);
                output.ShouldContain($"{site.HostName(i)}: created {d}/releases/");
                output.ShouldContain($"{site.HostName(i)}: created {d}/shared/media/");
                output.ShouldContain($"{site.HostName(i)}: installed {d}/slipway/bin/slipway (sha256 ");
                output.ShouldContain($"{site.HostName(i)}: wrote {d}/slipway/supervisord.conf");
                output.ShouldContain($"{site.HostName(i)}: started slipway supervise (pid ");
                Directory.Exists(Path.Combine(d, "slipway/log")).ShouldBeTrue();
                File.Exists(Path.Combine(d, "slipway/programs.conf")).ShouldBeTrue();

                using var client = new SupervisorClient(SupervisorEndpoint.Parse(Path.Combine(d, "slipway/supervisor.sock")));
                (await client.GetStateAsync(Ct)).Name.ShouldBe("RUNNING");
            }

            output.ShouldContain($"{site.HostName(0)}: note: linked file {site.DeployTo(0)}/shared/.env does not exist yet");
            output.ShouldNotContain($"{site.HostName(1)}: note: linked file");
            (await File.ReadAllTextAsync(Path.Combine(site.DeployTo(1), "shared/.env"), Ct)).ShouldBe("SECRET_KEY=keep-me\n");

            var pids = Enumerable.Range(0, 2).Select(i => File.ReadAllText(Path.Combine(site.DeployTo(i), "slipway/supervisord.pid")).Trim()).ToList();
            var (again, second) = await site.RunAsync("setup", "production", "--json");

            again.ShouldBe(0, second);
            using var json = JsonDocument.Parse(second);
            json.RootElement.GetProperty("ok").GetBoolean().ShouldBeTrue();
            var hosts = json.RootElement.GetProperty("hosts").EnumerateArray().ToList();
            hosts.Count.ShouldBe(2);
            hosts.ShouldAllBe(h => !h.GetProperty("changed").GetBoolean() && h.GetProperty("changes").GetArrayLength() == 0);
            Enumerable.Range(0, 2).Select(i => File.ReadAllText(Path.Combine(site.DeployTo(i), "slipway/supervisord.pid")).Trim()).ShouldBe(pids);

            var (third, text) = await site.RunAsync("setup", "production");
            third.ShouldBe(0, text);
            text.ShouldContain($"{site.HostName(0)}: nothing changed");
            text.ShouldContain($"{site.HostName(1)}: nothing changed");
        }
        finally
        {
            StopDaemons(site);
        }
    }

    [Fact]
    public async Task Linked_files_are_created_from_templates_with_host_variables_and_an_existing_one_is_kept()
    {
        await using var site = await DeploySite.StartAsync(2, Ct);
        site.Configure(linked: """
            linked_files: [django.env, config/site.ini]
            templates:
              django.env:
                content: |
                  DJANGO_SECRET_KEY=${SETUP_TEST_SECRET:-generated-elsewhere}
                  PORT=${http_port}
              config/site.ini: { content: "port = ${http_port}\n" }
            """);
        var yaml = await File.ReadAllTextAsync(site.ConfigFile, Ct);
        for (var i = 0; i < 2; i++)
        {
            yaml = yaml.Replace($"deploy_to: {site.DeployTo(i)} }}", $"deploy_to: {site.DeployTo(i)}, vars: {{ http_port: 80{i}0 }} }}", StringComparison.Ordinal);
        }

        await File.WriteAllTextAsync(site.ConfigFile, yaml, Ct);
        var secret = Path.Combine(site.DeployTo(1), "shared/django.env");
        Directory.CreateDirectory(Path.GetDirectoryName(secret)!);
        await File.WriteAllTextAsync(secret, "DJANGO_SECRET_KEY=the-hosts-own\n", Ct);
        try
        {
            var (code, output) = await site.RunAsync("setup", "production");

            code.ShouldBe(0, output);
            var env0 = Path.Combine(site.DeployTo(0), "shared/django.env");
            output.ShouldContain($"{site.HostName(0)}: created {env0} from its template (mode 0600)");
            output.ShouldContain($"{site.HostName(0)}: created {site.DeployTo(0)}/shared/config/site.ini from its template (mode 0644)");
            output.ShouldContain($"{site.HostName(1)}: kept existing {secret}");
            output.ShouldNotContain("note: linked file", customMessage: "templated files are not reported missing");
            (await File.ReadAllTextAsync(env0, Ct)).ShouldBe("DJANGO_SECRET_KEY=generated-elsewhere\nPORT=8000\n");
            File.GetUnixFileMode(env0).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            (await File.ReadAllTextAsync(Path.Combine(site.DeployTo(1), "shared/config/site.ini"), Ct)).ShouldBe("port = 8010\n");
            (await File.ReadAllTextAsync(secret, Ct)).ShouldBe("DJANGO_SECRET_KEY=the-hosts-own\n", "an existing file is never overwritten");
            Directory.GetFiles(Path.Combine(site.DeployTo(0), "shared"), "*.slipway-template").ShouldBeEmpty();

            // Edited on the host, then setup again: kept as it is, and nothing changed.
            await File.WriteAllTextAsync(env0, "DJANGO_SECRET_KEY=rotated\n", Ct);
            var (again, second) = await site.RunAsync("setup", "production");
            again.ShouldBe(0, second);
            second.ShouldContain($"{site.HostName(0)}: kept existing {env0}");
            second.ShouldContain($"{site.HostName(0)}: nothing changed");
            second.ShouldContain($"{site.HostName(1)}: nothing changed");
            (await File.ReadAllTextAsync(env0, Ct)).ShouldBe("DJANGO_SECRET_KEY=rotated\n");
        }
        finally
        {
            StopDaemons(site);
        }
    }

    /// <summary>
    /// The systemd branch over real ssh. There is no systemd on the test machines, and making /run/systemd/system here
    /// would make other tools (apt's maintainer scripts) believe there is, so the host gets stand-ins: SLIPWAY_SYSTEMD_ROOT
    /// prefixes the paths setup looks at (/run/systemd/system, /etc/systemd/system), and a fake systemctl first on PATH
    /// records every call and does what systemd would for the ones setup makes (enable: the wants link; start: run the
    /// unit's ExecStart, detached). Both reach every session on the host through a forced command in this fixture's
    /// authorized_keys. What is real: the probe, the decision, the unit text, the calls and their order, the daemon
    /// started from the unit's own ExecStart, and the second run changing nothing.
    /// </summary>
    [Fact]
    public async Task With_systemd_on_the_host_setup_writes_enables_and_starts_a_unit_and_the_second_run_changes_nothing()
    {
        await using var site = await DeploySite.StartAsync(1, Ct);
        site.Configure();
        using var fake = new TempDir("slw-systemd-");
        var root = fake.File("root");
        Directory.CreateDirectory(Path.Combine(root, "run/systemd/system"));
        var calls = fake.File("systemctl.calls");
        var units = root + "/etc/systemd/system";
        var systemctl = fake.Write("bin/systemctl", $$"""
            #!/bin/sh
            # Stand-in for systemctl (see SetupTests): records each call, does what systemd would for setup's calls.
            echo "$*" >> '{{calls}}'
            case "$1" in
              show) echo 252 ;;
              daemon-reload) ;;
              is-enabled) [ -L '{{units}}'/multi-user.target.wants/"$3" ] ;;
              enable) mkdir -p '{{units}}'/multi-user.target.wants && ln -sf ../"$2" '{{units}}'/multi-user.target.wants/"$2" ;;
              start) cmd=$(sed -n 's/^ExecStart=//p' '{{units}}'/"$2"); setsid sh -c "exec $cmd" </dev/null >/dev/null 2>&1 & ;;
              *) echo "fake systemctl: $1 is not expected from setup" >&2; exit 1 ;;
            esac

            """);
        File.SetUnixFileMode(systemctl, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var forced = $"command=\"PATH={fake.File("bin")}:$PATH SLIPWAY_SYSTEMD_ROOT={root}; export PATH SLIPWAY_SYSTEMD_ROOT; eval \\\"$SSH_ORIGINAL_COMMAND\\\"\" ";
        var keys = await File.ReadAllLinesAsync(site.Fixture.AuthorizedKeys, Ct);
        await File.WriteAllLinesAsync(site.Fixture.AuthorizedKeys, keys.Where(k => k.Length > 0).Select(k => forced + k), Ct);
        try
        {
            var (code, output) = await site.RunAsync("setup", "production");

            code.ShouldBe(0, output + site.Fixture.ServerLogs());
            var unit = units + "/slipway-site.service";
            var name = site.HostName(0);
            output.ShouldContain($"{name}: wrote {unit} (sha256 ");
            output.ShouldContain($"{name}: enabled slipway-site.service (started at boot)");
            output.ShouldContain($"{name}: started slipway-site.service (pid ");
            output.ShouldNotContain("started slipway supervise");
            (await File.ReadAllTextAsync(unit, Ct)).ShouldContain(
                $"ExecStart={site.DeployTo(0)}/slipway/bin/slipway supervise -n -c {site.DeployTo(0)}/slipway/supervisord.conf\n");
            (await File.ReadAllLinesAsync(calls, Ct)).ShouldBe([
                "show --property=Version --value", "daemon-reload", "is-enabled --quiet slipway-site.service", "enable slipway-site.service",
                "start slipway-site.service",
            ]);
            using (var client = new SupervisorClient(SupervisorEndpoint.Parse(Path.Combine(site.DeployTo(0), "slipway/supervisor.sock"))))
            {
                (await client.GetStateAsync(Ct)).Name.ShouldBe("RUNNING");
            }

            File.Delete(calls);
            var (again, second) = await site.RunAsync("setup", "production");
            again.ShouldBe(0, second);
            second.ShouldContain($"{name}: nothing changed");
            (await File.ReadAllLinesAsync(calls, Ct)).ShouldBe(["show --property=Version --value", "is-enabled --quiet slipway-site.service"]);
        }
        finally
        {
            StopDaemons(site);
        }
    }

    [Fact]
    public async Task A_changed_binary_is_uploaded_again_and_verified()
    {
        await using var site = await DeploySite.StartAsync(1, Ct);
        site.Configure();
        using var dir = new TempDir("slw-bin-");
        var binary = dir.Write("slipway", "#!/bin/sh\necho fake slipway\nexit 1\n");
        dir.Write("slipway-supervise", "#!/bin/sh\necho fake native daemon\n");
        try
        {
            // A binary that cannot answer: setup installs it (and the native daemon published beside it), then cannot
            // start the daemon and says so.
            var (code, output) = await site.RunAsync("setup", "production", "--binary", binary);

            code.ShouldBe(1, output);
            output.ShouldContain($"installed {site.DeployTo(0)}/slipway/bin/slipway (sha256 ");
            output.ShouldContain($"installed {site.DeployTo(0)}/slipway/bin/slipway-supervise (sha256 ");
            (await File.ReadAllTextAsync(Path.Combine(site.DeployTo(0), "slipway/bin/slipway-supervise"), Ct)).ShouldContain("fake native daemon");
            output.ShouldContain("failed: slipway supervise did not start");
            (await File.ReadAllTextAsync(Path.Combine(site.DeployTo(0), "slipway/bin/slipway"), Ct)).ShouldContain("fake slipway");

            var (fixedCode, fixedOutput) = await site.RunAsync("setup", "production");
            fixedCode.ShouldBe(0, fixedOutput);
            fixedOutput.ShouldContain("installed ");
            fixedOutput.ShouldContain("started slipway supervise");
            fixedOutput.ShouldContain($"removed {site.DeployTo(0)}/slipway/bin/slipway-supervise", customMessage: "a build without the native daemon must not leave a stale one to be exec'd");
        }
        finally
        {
            StopDaemons(site);
        }
    }
}
