using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Slipway.IntegrationTests.Deploy;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Cli;

/// <summary>
/// The native slipway (Native AOT, scripts/publish-native.sh) does what the managed one does. Trimming is what could
/// break it (Spectre.Console.Cli reflects over command and settings types), so every command's help is walked, and the
/// main jobs run end to end: a deploy, redeploy and rollback over real sshd; syslog into `logs serve` and back out of
/// `logs query`; a config error.
/// </summary>
public sealed class NativeCliTests
{
    private static string Binary() => Requires.NativeCli();

    private static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(CancellationToken ct, params string[] args) =>
        ProcessTools.RunAsync(Binary(), [.. args, "--no-color"], ct);

    [Fact]
    public async Task Every_command_and_branch_prints_its_help()
    {
        var ct = TestContext.Current.CancellationToken;
        var seen = new List<string>();
        var pending = new Queue<string[]>([[]]);
        while (pending.TryDequeue(out var path))
        {
            var (exitCode, stdout, stderr) = await ProcessTools.RunAsync(Binary(), [.. path, "--help"], ct);
            var name = string.Join(' ', path);
            exitCode.ShouldBe(0, $"slipway {name} --help: {stdout}{stderr}");
            stdout.ShouldContain("USAGE:", customMessage: $"slipway {name} --help");
            seen.Add(name);
            foreach (var command in CommandsIn(stdout))
            {
                pending.Enqueue([.. path, command]);
            }
        }

        // The tree is walked from the help texts themselves, so a command lost to trimming would simply be missing.
        seen.ShouldContain("deploy");
        seen.ShouldContain("rollback");
        seen.ShouldContain("logs serve");
        seen.ShouldContain("config check");
        seen.ShouldContain("supervise");
        seen.Count.ShouldBeGreaterThan(20);
    }

    /// <summary>The names under COMMANDS: in a help text (indented four spaces, then the name).</summary>
    private static IEnumerable<string> CommandsIn(string help)
    {
        var inCommands = false;
        foreach (var line in help.Split('\n'))
        {
            if (line.StartsWith("COMMANDS:", StringComparison.Ordinal))
            {
                inCommands = true;
                continue;
            }

            if (inCommands && line.StartsWith("    ", StringComparison.Ordinal) && line.Length > 4 && line[4] != ' ')
            {
                yield return line[4..].Split(' ', 2)[0];
            }
            else if (inCommands && line.Length > 0 && !line.StartsWith(' '))
            {
                inCommands = false;
            }
        }
    }

    [Fact]
    public async Task Deploys_redeploys_and_rolls_back_two_hosts()
    {
        var ct = TestContext.Current.CancellationToken;
        var binary = Binary();
        await using var site = await DeploySite.StartAsync(2, ct);
        site.Configure(strategy: "git");
        var first = await ProcessTools.RunAsync(binary, ["deploy", "production", "-f", site.ConfigFile, "--no-color"], ct);
        first.ExitCode.ShouldBe(0, first.Stdout + first.Stderr);
        first.Stdout.ShouldContain("deployed release");
        var firstRelease = site.Current(0);
        var commit = await site.CommitAsync("second", ct);

        var second = await ProcessTools.RunAsync(binary, ["deploy", "production", "-f", site.ConfigFile, "--json"], ct);

        second.ExitCode.ShouldBe(0, second.Stdout + second.Stderr);
        using (var json = JsonDocument.Parse(second.Stdout))
        {
            json.RootElement.GetProperty("result").GetString().ShouldBe("succeeded");
            json.RootElement.GetProperty("commit").GetString().ShouldBe(commit);
        }

        for (var i = 0; i < 2; i++)
        {
            site.Served(i).ShouldBe("second");
        }

        var back = await ProcessTools.RunAsync(binary, ["rollback", "production", "-f", site.ConfigFile, "--no-color"], ct);
        back.ExitCode.ShouldBe(0, back.Stdout + back.Stderr);
        for (var i = 0; i < 2; i++)
        {
            site.Current(i).ShouldBe(firstRelease);
            site.Served(i).ShouldBe("first");
        }

        var releases = await ProcessTools.RunAsync(binary, ["releases", "production", "-f", site.ConfigFile, "--json"], ct);
        releases.ExitCode.ShouldBe(0, releases.Stderr);
        releases.Stdout.ShouldContain(firstRelease);
        var history = await ProcessTools.RunAsync(binary, ["history", "production", "-f", site.ConfigFile, "--no-color"], ct);
        history.ExitCode.ShouldBe(0, history.Stderr);
        history.Stdout.ShouldContain("rollback");
    }

    [Fact]
    public async Task A_config_error_names_file_line_and_key_with_exit_code_2()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir("slw-native-");
        var config = dir.File("slipway.yml");
        await File.WriteAllTextAsync(config, "application: site\nkeep_releases: many\n", ct);

        var (exitCode, stdout, stderr) = await RunAsync(ct, "config", "check", "-f", config);

        exitCode.ShouldBe(2);
        (stdout + stderr).ShouldContain($"{config}:2:");
        (stdout + stderr).ShouldContain("keep_releases");
    }

    [Fact]
    public async Task Logs_serve_stores_syslog_that_logs_query_finds()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDir("slw-native-logs-");
        var db = dir.File("logs.db");
        var syslogPort = FreePorts.Tcp();
        var httpPort = FreePorts.Tcp();
        var psi = new ProcessStartInfo(Binary())
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var arg in (string[])["logs", "serve", "--db", db, "--syslog-tcp", $"127.0.0.1:{syslogPort}", "--http", $"127.0.0.1:{httpPort}"])
        {
            psi.ArgumentList.Add(arg);
        }

        using var server = Process.Start(psi)!;
        var output = server.StandardOutput.ReadToEndAsync(ct);
        var errors = server.StandardError.ReadToEndAsync(ct);
        try
        {
            (await Eventually.ForAsync(() => Listening(syslogPort), TimeSpan.FromSeconds(20), ct)).ShouldBeTrue("logs serve listens for syslog");
            var sent = await ProcessTools.RunAsync("logger", ["-n", "127.0.0.1", "-P", syslogPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "-T", "-t", "nativeapp", "native binary says hello"], ct);
            sent.ExitCode.ShouldBe(0, sent.Stderr);

            var found = "";
            (await Eventually.ForAsync(async () =>
            {
                var query = await RunAsync(ct, "logs", "query", "--db", db, "--text", "hello", "--json");
                found = query.Stdout;
                return query.ExitCode == 0 && found.Contains("native binary says hello", StringComparison.Ordinal);
            }, TimeSpan.FromSeconds(20), ct)).ShouldBeTrue("the event is stored and found");
            using var json = JsonDocument.Parse(found.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0]);
            json.RootElement.GetProperty("program").GetString().ShouldBe("nativeapp");

            using var http = new HttpClient();
            var page = await http.GetStringAsync(new Uri($"http://127.0.0.1:{httpPort}/?text=hello"), ct);
            page.ShouldContain("native binary says hello");
        }
        finally
        {
            if (!server.HasExited)
            {
                // SIGTERM, as a service manager stops it: everything received is written, then a clean exit.
                await ProcessTools.RunAsync("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], CancellationToken.None);
            }
        }

        await server.WaitForExitAsync(ct);
        server.ExitCode.ShouldBe(0, await output + await errors);
    }


    private static bool Listening(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
