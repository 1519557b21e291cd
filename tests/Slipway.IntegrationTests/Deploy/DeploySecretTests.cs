using System.Text;
using System.Text.Json;

namespace Slipway.IntegrationTests.Deploy;

/// <summary>
/// Secrets stay out of everything a deploy writes or prints: a value the scripts carry as <c>{secret:r}</c> (the queue
/// password the workers' settings file needs, sent in the publish script) and <c>SLIPWAY_SMTP_PASSWORD</c> (in the
/// environment, used by the monitor's mail alerts). A deploy that fails on purpose, run with <c>-v</c> and with
/// <c>--json</c>; then every output stream and every file under .slipway and the hosts' deploy_to are searched.
/// </summary>
public sealed class DeploySecretTests
{
    private const int Minutes = 60_000;
    private const string QueuePassword = "QueuePw7d1f0c2a9b";
    private const string SmtpPassword = "SmtpPw4e8b2f61c3";

    [Fact(Timeout = 5 * Minutes)]
    public async Task A_failed_deploy_never_shows_or_stores_the_secrets_it_carries()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var site = await DeploySite.StartAsync(2, ct);
        // The first deploy, failing in before_publish: the publish script (with the workers' settings file, queue password
        // included) was sent to every host, and switching back to no release reruns no hook that would write it.
        site.Configure($$"""
            supervisor: slipway
            queue:
              url: postgres://jobs:{{QueuePassword}}@127.0.0.1:9/jobs
            workers:
              jobs: { command: /bin/true }
            monitor:
              alerts:
                mail: { smtp: 127.0.0.1:9, smtp_user: monitor, smtp_password: "${SLIPWAY_SMTP_PASSWORD}", to: ops@example.com }
            hooks:
              before_publish:
                - { run: 'echo "publishing on $SLIPWAY_HOST"; echo "refused on purpose" >&2; exit 7' }
            """);
        var environment = new Dictionary<string, string> { ["SLIPWAY_SMTP_PASSWORD"] = SmtpPassword };

        using var verbose = site.StartProcess(environment, "deploy", "production", "-v");
        var (verboseCode, verboseOutput) = await verbose.WaitAsync(ct);
        using var json = site.StartProcess(environment, "deploy", "production", "--json");
        var (jsonCode, jsonOutput) = await json.WaitAsync(ct);

        verboseCode.ShouldBe(1, verboseOutput);
        verboseOutput.ShouldContain("refused on purpose"); // -v shows the hosts' output
        verboseOutput.ShouldContain("publishing on");
        jsonCode.ShouldBe(1, jsonOutput);
        using (var document = JsonDocument.Parse(await json.Stdout))
        {
            document.RootElement.GetProperty("result").GetString().ShouldBe("rolled_back");
        }

        var logs = Directory.GetFiles(Path.Combine(site.Root, ".slipway", "logs"));
        logs.ShouldNotBeEmpty();
        var logText = string.Concat(logs.Select(File.ReadAllText));
        logText.ShouldContain("worker.yml", Case.Sensitive, "the publish script with the workers' settings was not logged, so this test proves nothing");
        File.Exists(Path.Combine(site.Root, ".slipway", "history.jsonl")).ShouldBeTrue();
        File.Exists(Path.Combine(site.DeployTo(0), "slipway-history.jsonl")).ShouldBeTrue();

        var places = new List<(string Where, byte[] Content)>
        {
            ("deploy -v output", Encoding.UTF8.GetBytes(verboseOutput)),
            ("deploy --json output", Encoding.UTF8.GetBytes(jsonOutput)),
        };
        foreach (var dir in new[] { Path.Combine(site.Root, ".slipway"), site.DeployTo(0), site.DeployTo(1) })
        {
            var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint };
            places.AddRange(Directory.EnumerateFiles(dir, "*", options).Select(f => (f, File.ReadAllBytes(f))));
        }

        foreach (var secret in new[] { QueuePassword, SmtpPassword })
        {
            var bytes = Encoding.UTF8.GetBytes(secret);
            var found = places.Where(p => p.Content.AsSpan().IndexOf(bytes) >= 0).Select(p => p.Where).ToList();
            found.ShouldBeEmpty($"{secret} appears in: {string.Join(", ", found)}");
        }
    }
}
