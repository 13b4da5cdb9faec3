"""Member units (成员单位): the legal entities that own instruments and employ users."""
