using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Slipway.Cli.Tests.Support;
using Slipway.Supervisor.Tests.Compat;
using Slipway.Testing;

namespace Slipway.Logs.IntegrationTests;

/// <summary>
/// The status page's process states, end to end: a real supervise daemon runs a program and one that dies, the host
/// agent (the CLI, at the host's <c>slipway/bin/slipway</c>) is asked by <c>logs serve</c> through the host's transport,
/// and headless Chromium sees the dead one marked as a problem.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class StatusPageProcessesTests
{
    private const string Chromium = "/usr/bin/chromium";

    [Fact(Timeout = 180_000)]
    public async Task The_stage_shows_each_process_of_its_hosts_and_a_fatal_one_in_red()
    {
        Requires.Check(File.Exists(Chromium), "chromium not installed. Fix: bash scripts/deps/logs.sh (apt-get install -y chromium)", Environment.GetEnvironmentVariable("CI"));
        var ct = TestContext.Current.CancellationToken;
        await using var daemon = await Daemon.StartAsync(Daemon.Slipway, """
            [program:web]
            command=sleep 600

            [program:broken]
            command=/bin/false
            startretries=0
            autorestart=false
            """, ct);
        await daemon.WaitForAsync("broken", "FATAL", ct);

        using var dir = new TempDir();
        // The host is this machine (transport: local); its agent is this build of the CLI, where slipway setup would put it.
        var agent = dir.Write("srv/slipway/bin/slipway", $"#!/bin/sh\nexec dotnet {SlipwayDll()} \"$@\"\n");
        File.SetUnixFileMode(agent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var file = dir.Write("slipway.yml", $"""
            application: shop
            deploy_to: {dir.File("srv")}
            supervisor: {"{"} kind: slipway, socket: {daemon.Socket} {"}"}
            stages:
              production:
                hosts:
                  - {"{"} host: localhost, transport: local {"}"}
            """);

        var logsOut = new LiveOutput();
        using var stopLogs = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var logs = CliRunner.RunAsync(["logs", "serve", "-f", file, "--db", dir.File("logs.db"), "--http", "127.0.0.1:0", "--token", "s3cret"],
            200, TimeProvider.System, logsOut, stopLogs.Token);
        try
        {
            (await Eventually.ForAsync(() => HttpLine().IsMatch(logsOut.Text), TimeSpan.FromSeconds(60), ct)).ShouldBeTrue(logsOut.Text);
            var root = new Uri(HttpLine().Match(logsOut.Text).Groups[1].Value);
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"],
            });
            var page = await browser.NewPageAsync();
            await page.GotoAsync(new Uri(root, "/status").ToString());
            await page.FillAsync("#token", "s3cret");
            await page.ClickAsync("button[type=submit]");
            await page.WaitForSelectorAsync("#stages");

            // The first page may come before the first round of agent calls is back; the page then says so.
            var processes = page.Locator("#stages tr[data-stage=\"production\"] td.processes");
            var shown = await Eventually.ForAsync(async () =>
            {
                await page.ReloadAsync();
                return (await processes.InnerTextAsync()).Contains("FATAL", StringComparison.Ordinal);
            }, TimeSpan.FromSeconds(60), ct);
            shown.ShouldBeTrue(await processes.InnerTextAsync());

            (await processes.Locator("span.proc-bad").AllInnerTextsAsync()).ShouldBe(["localhost: broken FATAL"]);
            (await processes.Locator("span.OK").AllInnerTextsAsync()).ShouldBe(["localhost: web RUNNING"]);
            (await processes.InnerTextAsync()).ShouldNotContain("processes unknown");
        }
        finally
        {
            await stopLogs.CancelAsync();
            var result = await logs;
            result.ExitCode.ShouldBe(0, result.Output);
        }
    }

    private static string SlipwayDll()
    {
        var config = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
        return Path.Combine(root, "src/Slipway.Cli/bin", config, "net10.0/slipway.dll");
    }

    [GeneratedRegex(@"^http (http://127\.0\.0\.1:\d+/)$", RegexOptions.Multiline)]
    private static partial Regex HttpLine();
}
