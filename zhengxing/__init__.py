"""争星 Zhengxing: points-based and star-rated management of grassroots Party organisations."""
