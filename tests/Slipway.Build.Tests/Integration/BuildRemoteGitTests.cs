using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Slipway.Build.Recipes;
using Slipway.Testing;

namespace Slipway.Build.Tests.Integration;

/// <summary>
/// A remote git source (a bare repository served by <c>git daemon</c> on 127.0.0.1, so nothing reads its files):
/// refs are resolved with <c>git ls-remote</c>, and the mirror is fetched only when it lacks the commit a build needs.
/// </summary>
public sealed class BuildRemoteGitTests
{
    [Fact(Timeout = 120_000)]
    public async Task Refs_resolve_with_ls_remote_and_the_mirror_is_fetched_only_for_a_commit_it_lacks()
    {
        var ct = TestContext.Current.CancellationToken;
        using var world = await BuildWorld.CreateAsync(ct);
        var served = world.Folder("served");
        Directory.CreateDirectory(served);
        (await ProcessTools.RunAsync("git", ["clone", "--quiet", "--bare", world.Library.Path, Path.Combine(served, "libgreet.git")], ct)).ExitCode.ShouldBe(0);
        await using var daemon = await GitDaemon.StartAsync(served, ct);
        var url = daemon.Url("libgreet.git");
        var main = (await world.Library.GitAsync(ct, "rev-parse", "main")).Trim();

        // Planning lists the refs and fetches nothing: no mirror yet.
        using (var planner = world.Builder())
        {
            var plan = await planner.PlanAsync(world.Recipes(url), ["libgreet"], ct);
            plan["libgreet"].Key.Inputs[0].Value.ShouldBe("git " + main);
            (planner.GitRefListings, planner.GitFetches).ShouldBe((1, 0));
            Directory.EnumerateDirectories(world.Folder("work/git")).ShouldBeEmpty();
        }

        // The first build clones the mirror, once.
        using (var builder = world.Builder())
        {
            var result = await builder.BuildAsync(await builder.PlanAsync(world.Recipes(url), ["libgreet"], ct), ct);
            result.Succeeded.ShouldBeTrue(result.Summary());
            builder.GitFetches.ShouldBe(1);
        }

        // A commit on another branch reaches the server; the patch changes, so libgreet is built again at the same
        // commit, which the mirror has: no fetch, and the mirror never sees the other branch.
        await PushAsync(world, served, "other", ct);
        await world.WritePatchAsync("HOWDY", ct);
        using (var builder = world.Builder())
        {
            var plan = await builder.PlanAsync(world.Recipes(url), ["libgreet"], ct);
            plan["libgreet"].Reason.ShouldBe($"patch {BuildWorld.ShoutPatch} changed");
            var result = await builder.BuildAsync(plan, ct);
            result.Succeeded.ShouldBeTrue(result.Summary());
            (builder.GitRefListings, builder.GitFetches).ShouldBe((1, 0));
        }

        var mirror = Directory.EnumerateDirectories(world.Folder("work/git")).ShouldHaveSingleItem();
        (await ProcessTools.RunAsync("git", ["-C", mirror, "rev-parse", "--verify", "--quiet", "refs/heads/other"], ct)).ExitCode.ShouldNotBe(0);

        // A new commit on main: named by the plan from ls-remote, fetched by the build because the mirror lacks it.
        var newer = await world.Library.CommitAsync(new Dictionary<string, string> { ["README"] = "newer\n" }, "newer", ct);
        await PushAsync(world, served, "main", ct);
        using (var builder = world.Builder())
        {
            var plan = await builder.PlanAsync(world.Recipes(url), ["libgreet"], ct);
            plan["libgreet"].Reason.ShouldBe($"new commit {main[..7]}→{newer[..7]}");
            builder.GitFetches.ShouldBe(0);
            var result = await builder.BuildAsync(plan, ct);
            result.Succeeded.ShouldBeTrue(result.Summary());
            builder.GitFetches.ShouldBe(1);
        }

        // A ref only git can resolve still works, through the mirror.
        using (var builder = world.Builder())
        {
            var recipes = world.Recipes(url);
            var plan = await builder.PlanAsync([recipes[0] with { Source = SourceSpec.Git(url, "main~1") }], [], ct);
            plan["libgreet"].Key.Inputs[0].Value.ShouldBe("git " + main);
        }
    }

    /// <summary>Pushes <paramref name="branch"/> of the library (made from main when missing) to the served bare repository.</summary>
    private static async Task PushAsync(BuildWorld world, string served, string branch, CancellationToken ct)
    {
        if (branch != "main")
        {
            await world.Library.GitAsync(ct, "branch", "--quiet", branch, "main");
            await world.Library.GitAsync(ct, "checkout", "--quiet", branch);
            await world.Library.CommitAsync(new Dictionary<string, string> { ["OTHER"] = "other\n" }, "other", ct);
            await world.Library.GitAsync(ct, "checkout", "--quiet", "main");
        }

        await world.Library.GitAsync(ct, "push", "--quiet", Path.Combine(served, "libgreet.git"), branch);
    }

    /// <summary><c>git daemon</c> serving a folder's repositories on 127.0.0.1 and a free port, stopped on dispose.</summary>
    private sealed class GitDaemon : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly int _port;

        private GitDaemon(Process process, int port)
        {
            _process = process;
            _port = port;
        }

        public string Url(string repository) => $"git://127.0.0.1:{_port.ToString(CultureInfo.InvariantCulture)}/{repository}";

        public static async Task<GitDaemon> StartAsync(string root, CancellationToken ct)
        {
            Requires.Check(File.Exists("/usr/lib/git-core/git-daemon"), "git daemon is needed. Fix: apt-get install -y git",
                Environment.GetEnvironmentVariable("CI"));
            var port = FreePorts.Tcp();
            var psi = new ProcessStartInfo("git")
            {
                ArgumentList =
                {
                    "daemon", "--reuseaddr", "--listen=127.0.0.1", "--port=" + port.ToString(CultureInfo.InvariantCulture),
                    "--base-path=" + root, "--export-all", "--informative-errors", root,
                },
                UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true,
            };
            var process = await ProcessTools.StartAsync(psi, ct);
            var daemon = new GitDaemon(process, port);
            var listening = await Eventually.ForAsync(async () =>
            {
                using var client = new TcpClient();
                try
                {
                    await client.ConnectAsync("127.0.0.1", port, ct);
                    return true;
                }
                catch (SocketException)
                {
                    return process.HasExited ? throw new InvalidOperationException("git daemon exited: " + await process.StandardError.ReadToEndAsync(ct)) : false;
                }
            }, TimeSpan.FromSeconds(20), ct);
            if (!listening)
            {
                await daemon.DisposeAsync();
                throw new InvalidOperationException("git daemon did not listen on port " + port.ToString(CultureInfo.InvariantCulture));
            }

            return daemon;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }

            _process.Dispose();
        }
    }
}
