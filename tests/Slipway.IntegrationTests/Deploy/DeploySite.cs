using System.Globalization;
using System.Text;
using Slipway.Cli.Tests.Support;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Deploy;

/// <summary>
/// A site to deploy in tests: N real sshd hosts (each with its own deploy_to, since they share this machine's disk),
/// a small git repository as repo_url, and a slipway.yml. Runs the whole CLI in-process.
/// </summary>
internal sealed class DeploySite : IAsyncDisposable
{
    private readonly TempDir _dir;
    private int _commits;

    private DeploySite(SshdFixture fixture, TempDir dir, string user)
    {
        Fixture = fixture;
        _dir = dir;
        User = user;
    }

    /// <summary>Who the hosts are logged in as (the ssh user): root, or a local account for the non-root cases.</summary>
    public string User { get; }

    public SshdFixture Fixture { get; }

    public string Root => _dir.Path;

    public string Repo => _dir.File("repo");

    public string ConfigFile => _dir.File("slipway.yml");

    public IReadOnlyList<int> Ports => [.. Fixture.Hosts.Select(h => h.Port)];

    /// <summary>How the host is named in output and in SLIPWAY_HOST.</summary>
    public string HostName(int i) => $"{User}@127.0.0.1:{Ports[i].ToString(CultureInfo.InvariantCulture)}";

    /// <param name="hosts">How many sshd hosts.</param>
    /// <param name="ct">Cancels the start.</param>
    /// <param name="user">Log in as this local account (<see cref="SshdFixture.EnsureAccountAsync"/>) instead of root.</param>
    /// <param name="umask">The hosts' sessions start with this umask.</param>
    public static async Task<DeploySite> StartAsync(int hosts, CancellationToken ct, string? user = null, string? umask = null)
    {
        Requires.Sshd();
        var fixture = await SshdFixture.StartAsync(hosts, ct, umask: umask);
        var site = new DeploySite(fixture, new TempDir("slw-deploy-"), user ?? SshdFixture.User);
        if (user is not null && !OperatingSystem.IsWindows())
        {
            // The hosts' deploy_to dirs live under this directory: another user must be able to reach them.
            File.SetUnixFileMode(site.Root, (UnixFileMode)0b111_101_101);
        }

        Directory.CreateDirectory(site.Repo);
        await site.GitAsync(ct, "init", "-q", "-b", "main");
        await site.CommitAsync("first", ct);
        return site;
    }

    public string DeployTo(int host) => _dir.File($"host{host.ToString(CultureInfo.InvariantCulture)}/app");

    public string Current(int host) => Path.GetFileName(new DirectoryInfo(Path.Combine(DeployTo(host), "current")).LinkTarget ?? "") is { Length: > 0 } name ? name : "";

    public IReadOnlyList<string> Releases(int host)
    {
        var dir = Path.Combine(DeployTo(host), "releases");
        return Directory.Exists(dir) ? [.. Directory.GetDirectories(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal)!] : [];
    }

    public string ReleaseState(int host, string release) =>
        File.ReadAllText(Path.Combine(DeployTo(host), "releases", release, ".slipway-state")).Trim();

    public bool Locked(int host) => Directory.Exists(Path.Combine(DeployTo(host), ".slipway-lock"));

    /// <summary>The host is exactly as before a run that had to undo itself: same live release, no other, no lock.</summary>
    public void ShouldBeUntouched(int host, string liveRelease)
    {
        Current(host).ShouldBe(liveRelease);
        Releases(host).ShouldBe([liveRelease]);
        Locked(host).ShouldBeFalse();
    }

    public string Served(int host) => File.ReadAllText(Path.Combine(DeployTo(host), "current", "index.html")).Trim();

    /// <summary>Commits a change to index.html and returns the commit id.</summary>
    public async Task<string> CommitAsync(string content, CancellationToken ct)
    {
        _commits++;
        await File.WriteAllTextAsync(Path.Combine(Repo, "index.html"), content + "\n", ct);
        await File.WriteAllTextAsync(Path.Combine(Repo, "README"), $"commit {_commits}\n", ct);
        await GitAsync(ct, "add", "-A");
        await GitAsync(ct, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "-m", content);
        return (await GitAsync(ct, "rev-parse", "HEAD")).Trim();
    }

    /// <summary>Writes slipway.yml with every host, per-host deploy_to, and the given extra YAML (hooks…).</summary>
    public void Configure(string extra = "", string strategy = "upload", int keep = 5, string linked = "", IReadOnlyList<string>? roles = null)
    {
        var hosts = new StringBuilder();
        for (var i = 0; i < Ports.Count; i++)
        {
            var role = roles is null ? "web" : roles[i];
            hosts.Append(CultureInfo.InvariantCulture,
                $"      - {{ host: 127.0.0.1, port: {Ports[i]}, roles: [{role}], deploy_to: {DeployTo(i)} }}\n");
        }

        File.WriteAllText(ConfigFile, $"""
            application: site
            repo_url: {Repo}
            deploy_to: /nonexistent
            source_strategy: {strategy}
            keep_releases: {keep}
            {linked}
            ssh:
              user: {User}
              identity_file: {Fixture.ClientKey}
              known_hosts: {Fixture.KnownHosts}
              control_persist: 0 # each test connects afresh and leaves no ssh process behind
              connect_timeout: 5
            stages:
              production:
                branch: main
                hosts:
            {hosts}
            {extra}
            """);
    }

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(TestContext.Current.CancellationToken, args);

    /// <summary>The whole CLI in-process on this site's slipway.yml; stdout and stderr apart, and as they interleaved.</summary>
    public Task<CliResult> RunAsync(CancellationToken ct, params string[] args) => CliRunner.RunAsync([.. args, "-f", ConfigFile], 200, ct);

    /// <summary><see cref="RunAsync(string[])"/> whose output can be read while it runs.</summary>
    public Task<CliResult> RunAsync(LiveOutput live, params string[] args) =>
        CliRunner.RunAsync([.. args, "-f", ConfigFile], 200, TimeProvider.System, live, TestContext.Current.CancellationToken);

    /// <summary>The real slipway executable, as a user starts it (for signals); stdout and stderr are collected.</summary>
    public SlipwayProcess StartProcess(params string[] args) => StartProcess(new Dictionary<string, string>(), args);

    /// <summary><see cref="StartProcess(string[])"/> with extra environment variables for slipway.</summary>
    public SlipwayProcess StartProcess(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        // setsid: slipway leads its own process group, as a shell's foreground job does, so the interrupt can go to the
        // whole group like a terminal's Ctrl-C (ssh children included).
        var psi = new System.Diagnostics.ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var arg in args.Prepend(Path.Combine(AppContext.BaseDirectory, "slipway")).Concat(["-f", ConfigFile, "--no-color"]))
        {
            psi.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            psi.Environment[name] = value;
        }

        return new SlipwayProcess(System.Diagnostics.Process.Start(psi)!);
    }

    public async ValueTask DisposeAsync()
    {
        await Fixture.DisposeAsync();
        _dir.Dispose();
    }

    private async Task<string> GitAsync(CancellationToken ct, params string[] args)
    {
        var (code, stdout, stderr) = await ProcessTools.RunAsync("git", ["-C", Repo, .. args], ct);
        if (code != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {stderr}");
        }

        return stdout;
    }
}

/// <summary>A running slipway process: send it SIGINT as a terminal's Ctrl-C would, then collect its output.</summary>
internal sealed class SlipwayProcess : IDisposable
{
    private readonly System.Diagnostics.Process _process;
    private readonly Task<string> _stdout;
    private readonly StringBuilder _stderrText = new();
    private readonly Task _stderr;

    public SlipwayProcess(System.Diagnostics.Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
            {
                lock (_stderrText)
                {
                    _stderrText.Append(line).Append('\n');
                }
            }
        });
    }

    /// <summary>What slipway has written on stderr so far.</summary>
    public string Stderr
    {
        get
        {
            lock (_stderrText)
            {
                return _stderrText.ToString();
            }
        }
    }

    /// <summary>Waits until slipway has written <paramref name="text"/> on stderr (or has exited).</summary>
    public Task<bool> StderrShowsAsync(string text, CancellationToken ct) =>
        Eventually.ForAsync(() => Stderr.Contains(text, StringComparison.Ordinal) || _process.HasExited, TimeSpan.FromSeconds(60), ct);

    /// <summary>SIGINT to slipway's whole process group, as a terminal's Ctrl-C sends it.</summary>
    public async Task InterruptAsync(CancellationToken ct) =>
        (await ProcessTools.RunAsync("kill", ["-INT", "--", "-" + _process.Id.ToString(CultureInfo.InvariantCulture)], ct)).ExitCode.ShouldBe(0);

    /// <summary>slipway's pid, for <c>kill -9</c>.</summary>
    public int Pid => _process.Id;

    /// <summary>What slipway wrote on stdout (once it has ended).</summary>
    public Task<string> Stdout => _stdout;

    public async Task<(int ExitCode, string Output)> WaitAsync(CancellationToken ct)
    {
        await _process.WaitForExitAsync(ct);
        var stdout = await _stdout;
        await _stderr;
        return (_process.ExitCode, stdout + Stderr);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
