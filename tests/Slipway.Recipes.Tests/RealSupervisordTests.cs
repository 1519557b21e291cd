using System.Globalization;
using Slipway.Testing;

namespace Slipway.Recipes.Tests;

/// <summary>
/// The rendered programs file read by Debian's real supervisord: numprocs names, the command found through the
/// program's PATH (the live release's virtualenv) rather than supervisord's, %% escapes, quoted environment values,
/// the env file, and directory=current.
/// </summary>
public sealed class RealSupervisordTests : IDisposable
{
    private readonly TempDir _dir = new("slipway-programs");

    [Fact]
    public async Task Supervisord_runs_the_rendered_programs_from_the_live_release_with_their_environment()
    {
        var ct = TestContext.Current.CancellationToken;
        Requires.Check(File.Exists("/usr/bin/supervisord"), "supervisor is needed. Fix: bash scripts/deps/supervise.sh",
            Environment.GetEnvironmentVariable("CI"));
        var deployTo = _dir.File("app");
        var release = deployTo + "/releases/r1";
        var output = _dir.File("out");
        Directory.CreateDirectory(release + "/venv/bin");
        Directory.CreateDirectory(deployTo + "/shared");
        Directory.CreateDirectory(output);
        File.CreateSymbolicLink(deployTo + "/current", release);
        await File.WriteAllTextAsync(deployTo + "/shared/django.env", "SECRET='from the env file'\n", ct);
        var program = release + "/venv/bin/showenv";
        await File.WriteAllTextAsync(program,
            $"#!/bin/sh\nprintf '%s|%s|%s|%s|%s\\n' \"$PWD\" \"$GREETING\" \"$DJANGO_SETTINGS_MODULE\" \"$SECRET\" \"$1\" > {output}/$SUPERVISOR_PROCESS_NAME\nexec sleep 300\n", ct);
        (await ProcessTools.RunAsync("chmod", ["755", program], ct)).ExitCode.ShouldBe(0);
        var config = Sites.Parse($$"""
            application: real
            deploy_to: {{deployTo}}
            supervisor: supervisord
            recipes:
              django: { settings: mysite.settings, env_file: django.env }
            processes:
              web:
                command: "showenv 100%"
                numprocs: 2
                startsecs: 0
                environment: { GREETING: "say \"hi\", ${port}" }
            stages: { production: { hosts: [ { host: localhost, transport: local, vars: { port: 8000 } } ] } }

            """);
        var programs = _dir.Write("programs.conf", ProgramRenderer.Render(config, config.Stages[0].Hosts[0]));
        var conf = _dir.Write("supervisord.conf", $"""
            [unix_http_server]
            file={_dir.File("supervisor.sock")}
            [supervisord]
            logfile={_dir.File("supervisord.log")}
            pidfile={_dir.File("supervisord.pid")}
            childlogdir={_dir.Path}
            [rpcinterface:supervisor]
            supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
            [include]
            files={programs}

            """);

        var (code, stdout, stderr) = await ProcessTools.RunAsync("/usr/bin/supervisord", ["-c", conf], ct);
        code.ShouldBe(0, stdout + stderr);
        try
        {
            var ready = await Eventually.ForAsync(
                () => File.Exists(output + "/real-web_00") && File.Exists(output + "/real-web_01"), TimeSpan.FromSeconds(30), ct);
            ready.ShouldBeTrue(File.Exists(_dir.File("supervisord.log")) ? await File.ReadAllTextAsync(_dir.File("supervisord.log"), ct) : "no log");
            await Eventually.ForAsync(() => new FileInfo(output + "/real-web_01").Length > 0, TimeSpan.FromSeconds(10), ct);
            (await File.ReadAllTextAsync(output + "/real-web_01", ct))
                .ShouldBe($"{release}|say \"hi\", 8000|mysite.settings|from the env file|100%\n");
        }
        finally
        {
            if (int.TryParse((await File.ReadAllTextAsync(_dir.File("supervisord.pid"), ct)).Trim(), CultureInfo.InvariantCulture, out var pid))
            {
                await ProcessTools.RunAsync("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)], CancellationToken.None);
                await Eventually.ForAsync(() => !Directory.Exists("/proc/" + pid.ToString(CultureInfo.InvariantCulture)), TimeSpan.FromSeconds(20), CancellationToken.None);
            }
        }
    }

    public void Dispose() => _dir.Dispose();
}
