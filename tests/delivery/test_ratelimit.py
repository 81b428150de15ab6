"""The sending rate limit, on a fake clock."""
from zalo_oa.delivery.ratelimit import RateLimiter


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def limiter(per_second):
    clock = FakeClock()
    return RateLimiter(per_second, clock=clock, sleep=clock.sleep), clock


def test_no_one_second_window_holds_more_than_the_rate():
    limit, clock = limiter(10)
    stamps = []
    for _ in range(55):
        limit.acquire()
        stamps.append(clock.now)
    for start in stamps:
        assert sum(1 for s in stamps if start <= s < start + 1.0) <= 10
    assert stamps[-1] - stamps[0] >= 5.0


def test_over_limit_pauses_and_backs_off_until_a_success():
    limit, clock = limiter(100)
    limit.over_limit()
    limit.acquire()
    assert clock.now >= 1001.0
    limit.over_limit()
    before = clock.now
    limit.acquire()
    assert clock.now - before >= 2.0
    limit.succeeded()
    limit.over_limit()
    before = clock.now
    limit.acquire()
    assert 1.0 <= clock.now - before < 2.0


def test_nothing_left_this_minute_pauses_until_the_next():
    limit, clock = limiter(100)
    limit.observe(4000, 5)
    before = clock.now
    limit.acquire()
    assert clock.now == before
    limit.observe(4000, 0)
    limit.acquire()
    assert clock.now > before
