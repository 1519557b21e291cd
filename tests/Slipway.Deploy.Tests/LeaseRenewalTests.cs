using Microsoft.Extensions.Time.Testing;
using Slipway.Core.Config;
using Slipway.Deploy.Execution;
using Slipway.Deploy.Model;
using Slipway.Remote;
using Slipway.Testing;

namespace Slipway.Deploy.Tests;

/// <summary>
/// The deploy lock's lease, on two <c>transport: local</c> hosts with a fake clock: a long run keeps renewing it, so
/// another run is still refused after the first lease would have run out; a lock nobody renews is recovered once expired.
/// </summary>
public sealed class LeaseRenewalTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 6, 0, 0, TimeSpan.Zero);
    private readonly TempDir _dir = new("slw-lease-");
    private readonly FakeTimeProvider _time = new(Start);
    private readonly RecordingReporter _reporter = new();

    [Fact]
    public async Task A_long_deploy_renews_its_lease_so_a_second_run_is_still_refused_after_the_first_lease_ran_out()
    {
        var ct = TestContext.Current.CancellationToken;
        var request = await SiteAsync(blockAfterUpdate: true, ct);
        await using var pool = new SessionPool(request.Config.Ssh);
        var first = Manager(pool, new RunIdentity("alice", "build-1", 111)).DeployAsync(request, ct);
        (await Eventually.ForAsync(() => File.Exists(_dir.File("started")), TimeSpan.FromSeconds(30), ct)).ShouldBeTrue("the update hook never started");

        _time.Advance(TimeSpan.FromMinutes(50));
        (await Eventually.ForAsync(() => Expiry(0) > Start + ReleaseManager.LockLease && Expiry(1) > Start + ReleaseManager.LockLease,
            TimeSpan.FromSeconds(30), ct)).ShouldBeTrue("the lease was never renewed");
        _time.Advance(TimeSpan.FromMinutes(20)); // 70 minutes in: the first lease (60) is long gone
        await using var otherPool = new SessionPool(request.Config.Ssh);
        var second = await Manager(otherPool, new RunIdentity("bob", "build-2", 222)).DeployAsync(request, ct);
        await File.WriteAllTextAsync(_dir.File("go"), "", ct);
        var outcome = await first;

        second.Result.ShouldBe(RunResult.NothingChanged);
        second.Failures.ShouldAllBe(f => f.Kind == FailureKind.Locked && f.Message.Contains("alice on build-1"));
        _reporter.Warnings.ShouldNotContain(w => w.Contains("stale", StringComparison.Ordinal));
        outcome.Result.ShouldBe(RunResult.Succeeded, string.Join("; ", outcome.Failures.Select(f => f.Message)));
        Directory.Exists(Path.Combine(HostDir(0), ".slipway-lock")).ShouldBeFalse();
    }

    [Fact]
    public async Task A_lock_nobody_renews_is_recovered_once_its_lease_expired_and_not_before()
    {
        var ct = TestContext.Current.CancellationToken;
        var request = await SiteAsync(blockAfterUpdate: false, ct);
        var crashed = new LockRecord
        {
            Token = "deadbeef", User = "carol", Machine = "build-3", Pid = 333, Stage = "production", Action = "deploy",
            Started = Start, Expires = Start + ReleaseManager.LockLease,
        };
        for (var i = 0; i < 2; i++)
        {
            Directory.CreateDirectory(Path.Combine(HostDir(i), ".slipway-lock"));
            await File.WriteAllTextAsync(Path.Combine(HostDir(i), ".slipway-lock", "info"), crashed.Format(), ct);
        }

        await using var pool = new SessionPool(request.Config.Ssh);
        var manager = Manager(pool, new RunIdentity("bob", "build-2", 222));
        _time.Advance(TimeSpan.FromMinutes(59));
        var early = await manager.DeployAsync(request, ct);
        _time.Advance(TimeSpan.FromMinutes(2));
        var late = await manager.DeployAsync(request, ct);

        early.Result.ShouldBe(RunResult.NothingChanged);
        early.Failures.ShouldAllBe(f => f.Message.Contains("carol on build-3"));
        late.Result.ShouldBe(RunResult.Succeeded, string.Join("; ", late.Failures.Select(f => f.Message)));
        _reporter.Warnings.Count(w => w.Contains("recovered a stale deploy lock (its lease expired", StringComparison.Ordinal)).ShouldBe(2);
    }

    public void Dispose() => _dir.Dispose();

    private string HostDir(int i) => _dir.File($"host{i}");

    private DateTimeOffset Expiry(int host)
    {
        var path = Path.Combine(HostDir(host), ".slipway-lock", "info");
        try
        {
            return File.Exists(path) && LockRecord.Parse(File.ReadAllLines(path)) is { } record ? record.Expires : DateTimeOffset.MinValue;
        }
        catch (IOException)
        {
            return DateTimeOffset.MinValue; // being renamed over right now
        }
    }

    private ReleaseManager Manager(SessionPool pool, RunIdentity identity) =>
        new(pool, _time, identity, processAlive: _ => true);

    private async Task<DeployRequest> SiteAsync(bool blockAfterUpdate, CancellationToken ct)
    {
        var repo = _dir.File("repo");
        Directory.CreateDirectory(repo);
        await File.WriteAllTextAsync(Path.Combine(repo, "index.html"), "one\n", ct);
        foreach (var args in new[] { new[] { "init", "-q", "-b", "main" }, ["add", "-A"], ["-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "one"] })
        {
            (await ProcessTools.RunAsync("git", ["-C", repo, .. args], ct)).ExitCode.ShouldBe(0);
        }

        var hook = blockAfterUpdate
            ? $"hooks:\n  after_update:\n    - {{ run: 'touch {_dir.File("started")}; while [ ! -e {_dir.File("go")} ]; do sleep 0.05; done' }}\n"
            : "";
        await File.WriteAllTextAsync(_dir.File("slipway.yml"), $$"""
            application: lease
            repo_url: {{repo}}
            deploy_to: /nonexistent
            source_strategy: upload
            stages:
              production:
                branch: main
                hosts:
                  - { host: localhost, transport: local, deploy_to: {{HostDir(0)}} }
                  - { host: 127.0.0.1, transport: local, deploy_to: {{HostDir(1)}} }
            {{hook}}
            """, ct);
        var loaded = ConfigLoader.Load(_dir.File("slipway.yml"));
        loaded.Succeeded.ShouldBeTrue(string.Join("\n", loaded.Diagnostics.Select(d => d.ToString())));
        var config = loaded.Config!;
        var stage = config.Stages.Single(s => s.Name == "production");
        return new DeployRequest { Config = config, Stage = stage, Hosts = stage.Hosts, Reporter = _reporter };
    }

    private sealed class RecordingReporter : IDeployReporter
    {
        private readonly List<string> _warnings = [];

        public IReadOnlyList<string> Warnings
        {
            get
            {
                lock (_warnings)
                {
                    return [.. _warnings];
                }
            }
        }

        public void Info(string line)
        {
        }

        public void Warning(string line)
        {
            lock (_warnings)
            {
                _warnings.Add(line);
            }
        }

        public void HostPhase(HostConfig host, string phase, bool ok, TimeSpan elapsed, string? detail)
        {
        }

        public void HostOutput(HostConfig host, string line)
        {
        }
    }
}
