using Slipway.Core.Config;

namespace Slipway.Core.Tests.Config;

internal static class ConfigFixtures
{
    /// <summary>The example from the brief; Capistrano users must recognise it, and it must load as is.</summary>
    public const string Example = """
        application: mysite
        repo_url: /srv/git/mysite.git        # any URL or path git understands
        deploy_to: /srv/mysite
        keep_releases: 5
        linked_dirs: [media, var/db]
        linked_files: [.env]
        ssh:
          user: deploy
          identity_file: ~/.ssh/id_ed25519
          known_hosts: ~/.ssh/known_hosts    # host_key_policy: strict (default) | accept-new
        stages:
          production:
            branch: main
            hosts:
              - { host: 127.0.0.1, port: 2201, roles: [web, db] }
              - { host: 127.0.0.1, port: 2202, roles: [web] }
          local:
            branch: main
            hosts:
              - { host: localhost, transport: local, roles: [web, db] }
        hooks:
          after_update:
            - { run: "python3 manage.py migrate --noinput", roles: [db], once: true }
          after_publish:
            - { run: "curl -fsS http://127.0.0.1:8000/", roles: [web] }

        """;

    /// <summary>A valid file to append a broken section to, so each test shows one problem only.</summary>
    public const string Minimal = """
        application: mysite
        deploy_to: /srv/mysite
        stages:
          production:
            hosts:
              - { host: web1.example.com, roles: [web, db] }

        """;

    public static readonly Func<string, string?> NoEnvironment = _ => null;

    public static ConfigLoadResult Parse(string yaml, Func<string, string?>? environment = null) =>
        ConfigLoader.Parse(yaml, "slipway.yml", environment ?? NoEnvironment);

    /// <summary>Golden text: the input (so the file reviews itself) and then every diagnostic, one per line.</summary>
    public static string Report(string yaml, ConfigLoadResult result) =>
        "# slipway.yml\n" + yaml.TrimEnd('\n') + "\n# diagnostics\n" + Lines(result) + "\n";

    public static string Lines(ConfigLoadResult result) => string.Join("\n", result.Diagnostics.Select(d => d.ToString()));
}
