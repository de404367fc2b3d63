"""Batches of images: stable names, balanced, and few moves when images are added."""

import zlib

import pytest

from segsweep.fit.batches import batch_count, batch_of, batches, jump_hash


def test_every_image_has_one_batch_of_about_the_batch_size():
    images = [f"{100000 + 7 * i}" for i in range(200)]
    grouped = batches(images, 16)
    assert sorted(image for group in grouped.values() for image in group) == sorted(images)
    assert len(grouped) == batch_count(200, 16) == 13
    assert all(name.startswith("b") and len(name) == 5 for name in grouped)
    assert max(len(group) for group in grouped.values()) < 2 * 16  # no batch runs away
    assert batches(images[:3], 16) == {batch_of(images[0], 1): images[:3]}  # one batch


def test_no_batch_size_makes_each_image_its_own_batch():
    assert batches(["a", "0001", "1"], None) == {"0001": ["0001"], "1": ["1"], "a": ["a"]}
    assert batch_count(5, None) is None


def test_adding_images_moves_few_of_the_others():
    """Growing from 10 to 11 batches moves only the images that go to the new batch, about
    one in eleven (jump consistent hash); a modulo hash would move about ten in eleven."""
    images = [f"img{i}" for i in range(1000)]
    before = {image: batch_of(image, 10) for image in images}
    after = {image: batch_of(image, 11) for image in images}
    moved = [image for image in images if before[image] != after[image]]
    assert 40 < len(moved) < 150
    assert {after[image] for image in moved} == {"b0010"}  # all to the new batch
    assert batch_of("img1", 10) == batch_of("img1", 10)  # stable


@pytest.mark.parametrize("key", [0, 1, 2**31 - 1, zlib.crc32(b"0001")])
def test_jump_hash_stays_in_range_and_never_moves_a_key_between_old_buckets(key):
    previous = None
    for buckets in range(1, 60):
        bucket = jump_hash(key, buckets)
        assert 0 <= bucket < buckets
        # growing by one bucket either keeps a key where it was or moves it to the new one
        assert previous is None or bucket in (previous, buckets - 1)
        previous = bucket


def test_jump_hash_is_uniform_enough():
    counts = [0] * 8
    for key in range(8000):
        counts[jump_hash(zlib.crc32(str(key).encode()), 8)] += 1
    assert min(counts) > 850 and max(counts) < 1150
