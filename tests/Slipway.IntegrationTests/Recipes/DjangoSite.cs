using System.Globalization;
using Slipway.IntegrationTests.Deploy;
using Slipway.Testing;

namespace Slipway.IntegrationTests.Recipes;

/// <summary>
/// examples/django-site in a git repository, deployed by the real CLI to sshd hosts on loopback: each host has its
/// own deploy_to and http_port. The first hosts are stage <c>production</c> and share one SQLite database (as hosts
/// share a database server); the last <see cref="StagingHosts"/> are stage <c>staging</c>, with a database of their own.
/// </summary>
internal sealed class DjangoSite : IAsyncDisposable
{
    private DjangoSite(DeploySite site, IReadOnlyList<int> httpPorts, int stagingHosts)
    {
        Site = site;
        HttpPorts = httpPorts;
        StagingHosts = stagingHosts;
    }

    public DeploySite Site { get; }

    public IReadOnlyList<int> HttpPorts { get; }

    public int StagingHosts { get; }

    public int ProductionHosts => HttpPorts.Count - StagingHosts;

    public string Database => Path.Combine(Site.Root, "site.sqlite3");

    public string StagingDatabase => Path.Combine(Site.Root, "staging.sqlite3");

    public bool IsStaging(int host) => host >= ProductionHosts;

    public static async Task<DjangoSite> StartAsync(int productionHosts, int stagingHosts, CancellationToken ct)
    {
        var hosts = productionHosts + stagingHosts;
        var site = await DeploySite.StartAsync(hosts, ct);
        var django = new DjangoSite(site, [.. Enumerable.Range(0, hosts).Select(_ => FreePorts.Tcp())], stagingHosts);
        CopyDirectory(Path.Combine(RepositoryRoot(), "examples", "django-site"), site.Repo);
        File.Delete(Path.Combine(site.Repo, "slipway.yml"));
        await django.CommitAsync("the example site", ct);
        django.Configure();
        for (var i = 0; i < hosts; i++)
        {
            var shared = Path.Combine(site.DeployTo(i), "shared");
            Directory.CreateDirectory(shared);
            await File.WriteAllTextAsync(Path.Combine(shared, "django.env"),
                $"DJANGO_SECRET_KEY=integration-test-{Guid.NewGuid():N}-{Guid.NewGuid():N}\nDJANGO_DATABASE={(django.IsStaging(i) ? django.StagingDatabase : django.Database)}\n", ct);
        }

        return django;
    }

    public string Url(int host, string path = "/") =>
        "http://127.0.0.1:" + HttpPorts[host].ToString(CultureInfo.InvariantCulture) + path;

    public async Task<string> CommitAsync(string message, CancellationToken ct)
    {
        await GitAsync(ct, "add", "-A");
        await GitAsync(ct, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "-m", message);
        return (await GitAsync(ct, "rev-parse", "--short=7", "HEAD")).Trim();
    }

    public Task WriteAsync(string relative, string content, CancellationToken ct) =>
        File.WriteAllTextAsync(Path.Combine(Site.Repo, relative), content, ct);

    public async Task EditAsync(string relative, string find, string replace, CancellationToken ct)
    {
        var path = Path.Combine(Site.Repo, relative);
        var text = await File.ReadAllTextAsync(path, ct);
        text.ShouldContain(find);
        await File.WriteAllTextAsync(path, text.Replace(find, replace, StringComparison.Ordinal), ct);
    }

    public async ValueTask DisposeAsync()
    {
        // Slipway's supervisor on each host stops its programs (gunicorn) when it is stopped.
        for (var i = 0; i < HttpPorts.Count; i++)
        {
            var pidFile = Path.Combine(Site.DeployTo(i), "slipway", "supervisord.pid");
            if (File.Exists(pidFile) && int.TryParse(await File.ReadAllTextAsync(pidFile), CultureInfo.InvariantCulture, out var pid))
            {
                await ProcessTools.RunAsync("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)], CancellationToken.None);
                if (!await Eventually.ForAsync(() => !Directory.Exists("/proc/" + pid.ToString(CultureInfo.InvariantCulture)), TimeSpan.FromSeconds(20), CancellationToken.None))
                {
                    ProcessTools.KillQuietly(pid);
                }
            }

            // Whatever the supervisor could not stop (it was killed) must not outlive the test.
            var bind = "--bind 127.0.0.1:" + HttpPorts[i].ToString(CultureInfo.InvariantCulture) + " ";
            foreach (var left in ProcessTools.WithCommandLine(c => c.Contains(bind, StringComparison.Ordinal)))
            {
                ProcessTools.KillQuietly(left);
            }
        }

        await Site.DisposeAsync();
    }

    private void Configure()
    {
        string Host(int i) => string.Create(CultureInfo.InvariantCulture,
            $"      - {{ host: 127.0.0.1, port: {Site.Ports[i]}, roles: [{(i == 0 || i == ProductionHosts ? "web, db" : "web")}], deploy_to: {Site.DeployTo(i)}, vars: {{ http_port: {HttpPorts[i]} }} }}\n");
        var production = string.Concat(Enumerable.Range(0, ProductionHosts).Select(Host));
        var staging = StagingHosts == 0 ? "" : "  staging:\n    branch: main\n    hosts:\n" + string.Concat(Enumerable.Range(ProductionHosts, StagingHosts).Select(Host));
        File.WriteAllText(Site.ConfigFile, $$"""
            application: django-site
            repo_url: {{Site.Repo}}
            deploy_to: /nonexistent
            source_strategy: upload
            linked_files: [django.env]
            ssh:
              user: {{SshdFixture.User}}
              identity_file: {{Site.Fixture.ClientKey}}
              known_hosts: {{Site.Fixture.KnownHosts}}
              control_persist: 0 # each test connects afresh and leaves no ssh process behind
              connect_timeout: 5
            recipes:
              django:
                python: /usr/bin/python3
                system_site_packages: true
                requirements: requirements.txt
                no_index: true
                settings: mysite.settings
                env_file: django.env
                migrate: { roles: [db] }
            processes:
              web:
                command: "python -m gunicorn mysite.wsgi --bind 127.0.0.1:${http_port} --workers 2"
                environment: { PORT: "${http_port}" }
                roles: [web]
                rolling: true
                stopwaitsecs: 5
            health:
              web: { http: "http://127.0.0.1:${http_port}/health", expect: 200, contains: ok, timeout: 3s, retries: 5, interval: 500ms }
            {{(StagingHosts == 0 ? "" : "promote: { from: staging, to: production, min_age: 0s }")}}
            stages:
              production:
                branch: main
                hosts:
            {{production}}
            {{staging}}
            """);
    }

    private async Task<string> GitAsync(CancellationToken ct, params string[] args)
    {
        var (code, stdout, stderr) = await ProcessTools.RunAsync("git", ["-C", Site.Repo, .. args], ct);
        code.ShouldBe(0, $"git {string.Join(' ', args)}: {stderr}");
        return stdout;
    }


    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Slipway.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Slipway.slnx not found above " + AppContext.BaseDirectory);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Contains("__pycache__", StringComparison.Ordinal))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, relative))!);
            File.Copy(file, Path.Combine(to, relative));
        }
    }
}
