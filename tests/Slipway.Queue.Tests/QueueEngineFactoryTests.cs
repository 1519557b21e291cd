using Slipway.Queue.Embedded;

namespace Slipway.Queue.Tests;

public sealed class QueueEngineFactoryTests
{
    [Theory]
    [InlineData("sqlite:///var/lib/app/queue.db", "/var/lib/app/queue.db")]
    [InlineData("sqlite://queue.db", "queue.db")]
    [InlineData("sqlite:queue.db", "queue.db")]
    [InlineData("/srv/queue.db", "/srv/queue.db")]
    public async Task A_sqlite_url_or_a_path_opens_the_embedded_engine(string url, string path)
    {
        await using var engine = QueueEngineFactory.Open(url);

        engine.Kind.ShouldBe("sqlite");
        ((SqliteQueueEngine)engine).Path.ShouldBe(path);
    }

    [Fact]
    public void A_postgres_url_becomes_a_connection_string() =>
        QueueEngineFactory.PostgresConnectionString("postgres://app:s%40cret@db.internal:5433/jobs?sslmode=require")
            .ShouldBe("Host=db.internal;Port=5433;Username=app;Password=s@cret;Database=jobs;SSL Mode=Require");

    [Theory]
    [InlineData("redis://127.0.0.1:6379", "The redis:// queue engine is not available yet.")]
    [InlineData("sqs://queue", "The sqs:// queue engine is not available yet.")]
    [InlineData("amqp://u:secret@host/x", "Unknown queue engine 'amqp://' in 'amqp://u:***@host/x'.")]
    [InlineData("postgres://u:secret@host", "The queue URL 'postgres://u:***@host' names no database")]
    public void An_unusable_url_says_why_without_its_password(string url, string start) =>
        Should.Throw<QueueException>(() => QueueEngineFactory.Open(url)).Message.ShouldStartWith(start);

    [Theory]
    [InlineData("redis://127.0.0.1:6379", "The redis:// queue engine is not available yet.")]
    [InlineData("amqp://u:secret@host/x", "Unknown queue engine 'amqp://' in 'amqp://u:***@host/x'.")]
    [InlineData("postgres://u:secret@host", "The queue URL 'postgres://u:***@host' names no database")]
    [InlineData("sqlite://", "The queue URL 'sqlite://' names no file")]
    [InlineData("sqlite:", "The queue URL 'sqlite:' names no file")]
    public void Problem_says_what_open_would_refuse_without_opening_anything(string url, string start) =>
        QueueEngineFactory.Problem(url)!.ShouldStartWith(start);

    [Theory]
    [InlineData("sqlite:///var/lib/app/queue.db")]
    [InlineData("queue.db")]
    [InlineData("postgres://u:p@host/jobs")]
    public void Problem_is_null_for_a_usable_url(string url) => QueueEngineFactory.Problem(url).ShouldBeNull();

    [Theory]
    [InlineData("sqlite:///var/lib/app/queue.db", "/var/lib/app/queue.db")]
    [InlineData("sqlite:queue.db", "queue.db")]
    [InlineData("/srv/queue.db", "/srv/queue.db")]
    [InlineData("postgres://u:p@host/jobs", null)]
    public void SqliteFile_names_the_file_open_would_use(string url, string? file) => QueueEngineFactory.SqliteFile(url).ShouldBe(file);

    [Theory]
    [InlineData("emails", true)]
    [InlineData("mail.out:high-1_x", true)]
    [InlineData("bad name", false)]
    [InlineData("", false)]
    public void Queue_names_follow_one_rule(string name, bool valid) => QueueName.IsValid(name).ShouldBe(valid);
}
