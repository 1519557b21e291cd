using Slipway.Cli.Tests.Support;
using Slipway.Testing;

namespace Slipway.Cli.Tests;

/// <summary><c>deploy --dry-run</c> with recipes: no host contacted, the recipe steps printed, and a rolling publish said so.</summary>
public sealed class DryRunTests : IDisposable
{
    private readonly TempDir _dir = new("slw-dry-");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_rolling_publish_is_announced_and_only_then(bool rolling)
    {
        var repo = _dir.File("repo");
        _dir.Write("repo/manage.py", "print('hi')\n");
        foreach (var args in new[] { new[] { "init", "-q", "-b", "main" }, ["add", "-A"], ["-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "one"] })
        {
            var (code, _, stderr) = await ProcessTools.RunAsync("git", ["-C", repo, .. args], TestContext.Current.CancellationToken);
            code.ShouldBe(0, stderr);
        }

        var file = _dir.Write("slipway.yml", $$"""
            application: shop
            repo_url: {{repo}}
            deploy_to: /srv/shop
            source_strategy: upload
            processes:
              web: { command: "gunicorn shop.wsgi", rolling: {{(rolling ? "true" : "false")}} }
            stages:
              production:
                hosts:
                  - { host: web1.invalid }
                  - { host: web2.invalid }
            """);

        var (exitCode, output) = await CliRunner.RunAsync("deploy", "production", "--dry-run", "-f", file);

        exitCode.ShouldBe(0, output);
        output.ShouldContain("agent supervisor update --socket /srv/shop/slipway/supervisor.sock --restart web");
        if (rolling)
        {
            output.ShouldContain("Publish is rolling (rolling: true on web): one host at a time, in the order below;");
        }
        else
        {
            output.ShouldNotContain("rolling");
        }
    }
}
